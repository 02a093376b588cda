import type { EngineResult } from '../core/dialogue-engine';
import type { Message } from '../core/types';

/** What every channel calls: the engine's turn for one internal Message. */
export type HandleMessage = (message: Message) => Promise<EngineResult>;
