import { moduleLogger, rootLogger } from '../../src/logger';

describe('logger', () => {
  const log = moduleLogger('logger-test');
  let write: jest.SpyInstance;
  let level: string;
  beforeEach(() => {
    level = rootLogger.level;
    rootLogger.level = 'info';
    write = jest.spyOn(rootLogger, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    write.mockRestore();
    rootLogger.level = level;
  });

  it('hands a line below the level to nothing (no formatting or masking), and a line at the level on', () => {
    log.debug('not written', { phone: '13812345678' });
    expect(write).not.toHaveBeenCalled();
    log.info('turn', { intent: 'x' });
    expect(write).toHaveBeenCalledTimes(1);
    expect(write.mock.calls[0][0]).toMatchObject({ message: 'turn', intent: 'x', module: 'logger-test' });
  });

  it('accepts a method passed on unbound, as winston does', () => {
    const warn = log.warn;
    expect(() => warn('unbound')).not.toThrow();
    expect(write).toHaveBeenCalledTimes(1);
  });
});
