// The console's one stylesheet, a module so the build carries it into dist/ with the code.
export const CONSOLE_CSS = `
* {
  box-sizing: border-box;
}
body {
  margin: 0;
  font:
    14px/1.45 system-ui,
    -apple-system,
    'PingFang SC',
    'Microsoft YaHei',
    sans-serif;
  color: #1d2330;
  background: #f4f5f7;
}
header {
  display: flex;
  gap: 1.5em;
  align-items: center;
  padding: 0.6em 1.2em;
  background: #1d2330;
  color: #fff;
}
header nav {
  display: flex;
  gap: 1em;
  flex: 1;
}
header a {
  color: #c9d3e6;
  text-decoration: none;
}
header a[aria-current] {
  color: #fff;
  border-bottom: 2px solid #5b9dff;
}
header form {
  margin: 0;
}
main {
  padding: 1em 1.5em;
  max-width: 1200px;
}
h1 {
  font-size: 1.4em;
  margin: 0.2em 0 0.6em;
}
.toolbar {
  display: flex;
  flex-wrap: wrap;
  gap: 0.8em;
  align-items: end;
  margin-bottom: 1em;
}
label {
  display: inline-flex;
  flex-direction: column;
  font-size: 0.85em;
  color: #4a5468;
  gap: 0.2em;
}
input,
select,
button {
  font: inherit;
  padding: 0.35em 0.5em;
  border: 1px solid #c4cad6;
  border-radius: 4px;
  background: #fff;
}
button {
  cursor: pointer;
  background: #2d6cdf;
  color: #fff;
  border-color: #2d6cdf;
}
button:disabled {
  opacity: 0.5;
  cursor: default;
}
button.danger {
  background: #b00020;
  border-color: #b00020;
}
.muted {
  color: #6b7487;
}
.error {
  color: #b00020;
}
.ok {
  color: #137333;
}
.chat-log {
  background: #fff;
  border: 1px solid #dde1e8;
  border-radius: 6px;
  padding: 1em;
  height: 60vh;
  overflow-y: auto;
}
.turn {
  display: flex;
  gap: 1em;
  margin: 0.5em 0;
  align-items: flex-start;
}
.turn.user {
  justify-content: flex-end;
}
.bubble {
  white-space: pre-wrap;
  padding: 0.6em 0.8em;
  border-radius: 8px;
  max-width: 60%;
}
.user .bubble {
  background: #95ec69;
}
.bot .bubble {
  background: #f0f2f5;
}
.side {
  flex: 1;
  font-size: 0.85em;
}
.trace th {
  text-align: left;
  padding-right: 1em;
  color: #4a5468;
  font-weight: normal;
}
.json {
  background: #f7f8fa;
  padding: 0.5em;
  max-height: 14em;
  overflow: auto;
  font-size: 0.85em;
}
.chat-send {
  display: flex;
  gap: 0.5em;
  margin-top: 0.6em;
}
.chat-send input {
  flex: 1;
}
.inbox {
  list-style: none;
  padding: 0;
}
.row {
  background: #fff;
  border: 1px solid #dde1e8;
  border-radius: 6px;
  padding: 0.7em 1em;
  margin-bottom: 0.6em;
}
.row.done {
  opacity: 0.7;
}
.row .q {
  display: flex;
  justify-content: space-between;
  font-size: 1.05em;
}
.row .actions {
  display: flex;
  flex-wrap: wrap;
  gap: 0.5em;
  margin-top: 0.4em;
  align-items: center;
}
.row select {
  max-width: 28em;
}
.result {
  font-weight: 600;
}
.intent {
  background: #fff;
  border: 1px solid #dde1e8;
  border-radius: 6px;
  padding: 0.5em 1em;
  margin-bottom: 0.4em;
}
.variants li.taught {
  color: #2d6cdf;
}
.answers {
  border-collapse: collapse;
  width: 100%;
}
.answers td,
.answers th {
  border: 1px solid #e3e6ec;
  vertical-align: top;
  padding: 0.3em;
}
.answers pre {
  white-space: pre-wrap;
  margin: 0;
  font: inherit;
  font-size: 0.85em;
}
.charts {
  display: grid;
  grid-template-columns: repeat(auto-fit, minmax(420px, 1fr));
  gap: 1em;
}
figure {
  background: #fff;
  border: 1px solid #dde1e8;
  border-radius: 6px;
  margin: 0;
  padding: 0.8em;
}
figcaption {
  font-weight: 600;
  margin-bottom: 0.4em;
}
.totals {
  display: flex;
  gap: 1em;
  margin-bottom: 1em;
}
.total {
  background: #fff;
  border: 1px solid #dde1e8;
  border-radius: 6px;
  padding: 0.6em 1em;
  display: flex;
  flex-direction: column;
}
.total strong {
  font-size: 1.5em;
}
`;
