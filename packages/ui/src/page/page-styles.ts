/** The page's stylesheet: system fonts, light and dark, readable from phone to desktop width. */
export const pageStyles = `
:root {
  color-scheme: light dark;
  --background: #f5f6f8;
  --surface: #ffffff;
  --text: #1c2230;
  --muted: #596273;
  --border: #dadfe6;
  --accent: #4338ca;
  --accent-text: #ffffff;
  --accent-soft: #eef0ff;
  --step-rule: #c7cbf5;
  --final-background: #ecfbf1;
  --final-border: #16803c;
  --plan-background: #fff8e6;
  --plan-border: #c27803;
  --error-background: #fdf0ef;
  --error-border: #b42318;
  --error-text: #8f1d14;
  --code-background: #1f2130;
  --code-text: #e9e9f0;
  --focus: #f59e0b;
  --radius: 10px;
  --mono: ui-monospace, "SFMono-Regular", "Cascadia Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --background: #14161c;
    --surface: #1d2029;
    --text: #e6e8ee;
    --muted: #a3aabb;
    --border: #343948;
    --accent: #8b8ff8;
    --accent-text: #11131a;
    --accent-soft: #262a45;
    --step-rule: #464c86;
    --final-background: #12291c;
    --final-border: #4ade80;
    --plan-background: #2b2412;
    --plan-border: #f0b429;
    --error-background: #331816;
    --error-border: #f97066;
    --error-text: #fda29b;
    --code-background: #111318;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--background); color: var(--text);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  min-height: 100vh; display: flex; flex-direction: column;
}
.visually-hidden {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
textarea:focus-visible { outline: 2px solid var(--accent); outline-offset: 0; border-color: var(--accent); }
.page-header {
  position: sticky; top: 0; z-index: 2; background: var(--surface); border-bottom: 1px solid var(--border);
}
.page-header-inner, main, .composer-inner { width: 100%; max-width: 880px; margin: 0 auto; padding: 0 16px; }
.page-header-inner { display: flex; align-items: center; gap: 12px; padding-top: 10px; padding-bottom: 10px; }
.agent-identity { flex: 1; min-width: 0; }
.agent-identity h1 { font-size: 1.1rem; margin: 0; line-height: 1.3; overflow-wrap: anywhere; }
.agent-identity p { margin: 0; color: var(--muted); font-size: 0.85rem; overflow-wrap: anywhere; }
.mode-notice { margin: 12px 0 0; color: var(--muted); font-size: 0.85rem; }
main { flex: 1; padding-top: 16px; padding-bottom: 24px; }
.welcome { color: var(--muted); border: 1px dashed var(--border); border-radius: var(--radius); padding: 16px; margin: 0 0 16px; }
.welcome strong { color: var(--text); }
button {
  font: inherit; font-size: 0.95rem; border-radius: 8px; border: 1px solid var(--border);
  background: var(--surface); color: var(--text); padding: 8px 14px; cursor: pointer; min-height: 40px;
}
button:hover:not(:disabled) { border-color: var(--accent); }
button:disabled { opacity: 0.5; cursor: not-allowed; }
button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-text); font-weight: 600; }
button.danger:not(:disabled) { border-color: var(--error-border); color: var(--error-text); }
.message-user {
  margin: 20px 0 12px auto; max-width: min(85%, 640px); width: fit-content; background: var(--accent);
  color: var(--accent-text); border-radius: var(--radius) var(--radius) 2px var(--radius); padding: 10px 14px;
}
.message-user p { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.message-user ul { margin: 6px 0 0; padding-left: 18px; font-size: 0.88rem; }
.run { display: flex; flex-direction: column; gap: 12px; }
.step, .plan {
  background: var(--surface); border: 1px solid var(--border); border-left: 4px solid var(--step-rule);
  border-radius: var(--radius); padding: 12px 14px; min-width: 0;
}
.plan { background: var(--plan-background); border-left-color: var(--plan-border); }
.step h3, .plan h3, .final-answer h3 {
  margin: 0 0 6px; font-size: 0.78rem; letter-spacing: 0.06em; text-transform: uppercase; color: var(--muted);
}
.thought, .plan-text, .answer-text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
.thought:empty { display: none; }
.streaming::after { content: "▍"; color: var(--accent); }
.block-label { margin: 10px 0 4px; font-size: 0.85rem; font-weight: 600; color: var(--muted); }
.block-label code { font-family: var(--mono); color: var(--text); background: var(--accent-soft); padding: 1px 6px; border-radius: 5px; }
pre {
  margin: 0; padding: 10px 12px; border-radius: 8px; overflow-x: auto; font: 0.86rem/1.5 var(--mono);
  white-space: pre; tab-size: 4;
}
.code { background: var(--code-background); color: var(--code-text); }
.arguments, .logs pre, .tool-output pre { background: var(--accent-soft); color: var(--text); white-space: pre-wrap; overflow-wrap: anywhere; }
.tok-keyword { color: #ff7ab2; }
.tok-constant, .tok-number { color: #d9a6ff; }
.tok-builtin { color: #6bdfff; }
.tok-string { color: #ffd479; }
.tok-comment { color: #8a93a8; font-style: italic; }
.tok-definition, .tok-call, .tok-decorator { color: #7ee787; }
.error {
  margin-top: 10px; background: var(--error-background); border: 1px solid var(--error-border);
  border-left-width: 4px; color: var(--error-text); border-radius: 8px; padding: 8px 12px;
  white-space: pre-wrap; overflow-wrap: anywhere;
}
.error strong { display: block; }
.error-message { font: 0.86rem/1.5 var(--mono); }
.tool-output.error pre { background: transparent; color: var(--error-text); padding: 4px 0 0; }
.tool-output.error .block-label { margin-top: 0; color: var(--error-text); }
.media { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }
.media img { max-width: 100%; max-height: 420px; border-radius: 8px; border: 1px solid var(--border); }
.media audio { width: 100%; max-width: 420px; }
.step-footer { margin: 10px 0 0; font-size: 0.8rem; color: var(--muted); }
.final-answer {
  background: var(--final-background); border: 2px solid var(--final-border); border-radius: var(--radius);
  padding: 14px 16px;
}
.final-answer h3 { color: var(--final-border); }
.answer-text { font-size: 1.08rem; font-weight: 500; }
/* Rendered Markdown: normal wrapping, tables and code like the rest of the page. */
.markdown { white-space: normal; }
.markdown > :first-child { margin-top: 0; }
.markdown > :last-child { margin-bottom: 0; }
.markdown table { border-collapse: collapse; margin: 0.5rem 0; }
.markdown th, .markdown td { border: 1px solid currentColor; padding: 0.2rem 0.6rem; }
.markdown pre { white-space: pre-wrap; }
.markdown img { max-width: 100%; }
.run-status { margin: 0; font-size: 0.9rem; color: var(--muted); }
.run-status.stopped { color: var(--plan-border); font-weight: 600; }
.run-status.failed { color: var(--error-text); font-weight: 600; }
.composer { position: sticky; bottom: 0; background: var(--surface); border-top: 1px solid var(--border); z-index: 2; }
.composer-inner { padding-top: 10px; padding-bottom: 10px; }
.composer label[for="task"] { display: block; font-weight: 600; font-size: 0.9rem; margin-bottom: 4px; }
.composer-row { display: flex; gap: 8px; align-items: flex-end; }
textarea {
  flex: 1; min-width: 0; font: inherit; resize: vertical; min-height: 48px; max-height: 40vh; padding: 10px 12px;
  border-radius: 8px; border: 1px solid var(--border); background: var(--background); color: var(--text);
}
.composer-actions { display: flex; gap: 8px; }
.composer-footer { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; margin-top: 8px; font-size: 0.85rem; color: var(--muted); }
.attach-label { border: 1px dashed var(--border); border-radius: 8px; padding: 4px 10px; cursor: pointer; color: var(--text); }
.attach-label:focus-within { outline: 3px solid var(--focus); outline-offset: 2px; }
.attach-label input { position: absolute; opacity: 0; width: 1px; height: 1px; }
.attachments { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; }
.attachments li { background: var(--accent-soft); border-radius: 999px; padding: 2px 4px 2px 10px; display: flex; align-items: center; gap: 4px; color: var(--text); }
.attachments li.is-error { background: var(--error-background); color: var(--error-text); padding-right: 10px; }
.attachments button { min-height: 28px; padding: 0 8px; border: none; background: transparent; }
.status { margin: 0; min-height: 1.2em; }
.status.is-error { color: var(--error-text); }
@media (max-width: 560px) {
  body { font-size: 15px; }
  .page-header-inner, main, .composer-inner { padding-left: 10px; padding-right: 10px; }
  .composer-row { flex-direction: column; align-items: stretch; }
  .composer-actions button { flex: 1; }
  .composer-inner { padding-top: 6px; padding-bottom: 6px; }
  .composer textarea { min-height: 44px; }
  #task-help { display: none; }
  .message-user { max-width: 92%; }
  .step, .plan { padding: 10px; }
}
`;
