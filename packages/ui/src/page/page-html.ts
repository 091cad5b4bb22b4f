/**
 * The chat page: one self-contained HTML document (inline style and script, nothing fetched
 * from elsewhere), so that it works offline and behind any firewall.
 */
import type { SessionMode } from "../sessions.js";
import { formatBytes } from "../uploads.js";
import { pageScript } from "./page-script.js";
import { pageStyles } from "./page-styles.js";

/** What the page shows about the agent and what it allows. */
export interface PageInfo {
  title: string;
  agentName: string;
  modelId: string;
  sessionMode: SessionMode;
  uploadsEnabled: boolean;
  maxUploadBytes: number;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** JSON that can sit inside a `<script>` element without ending it. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function uploadControl(info: PageInfo): string {
  if (!info.uploadsEnabled) return "";
  return `
        <label class="attach-label">Attach files
          <input type="file" id="files" multiple aria-describedby="attach-help">
        </label>
        <span id="attach-help">up to ${escapeHtml(formatBytes(info.maxUploadBytes))} each</span>
        <ul class="attachments" id="attachments" aria-label="Attached files"></ul>`;
}

export function renderPage(info: PageInfo, nonce: string): string {
  const modeNotice =
    info.sessionMode === "single"
      ? `<p class="mode-notice">All tabs talk to one agent and share its memory: one task runs at a time.</p>`
      : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)}</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${pageStyles}</style>
</head>
<body>
<header class="page-header">
  <div class="page-header-inner">
    <div class="agent-identity">
      <h1>${escapeHtml(info.agentName)}</h1>
      <p>Model: <span id="model-id">${escapeHtml(info.modelId)}</span></p>
    </div>
    <button type="button" id="new-conversation">New conversation</button>
  </div>
</header>
<main>
  ${modeNotice}
  <noscript><p class="error">This page needs JavaScript to talk to the agent.</p></noscript>
  <div class="welcome" id="welcome">
    <strong>Ask the agent anything.</strong> Each step shows up as it happens: what the model thinks,
    the code it runs or the tools it calls, what comes back, and finally its answer.
    The conversation goes on until you start a new one.
  </div>
  <div id="transcript" role="log" aria-live="polite" aria-relevant="additions" aria-label="Conversation with the agent"></div>
</main>
<form class="composer" id="composer" aria-label="Send a task to the agent">
  <div class="composer-inner">
    <label for="task">Your message</label>
    <div class="composer-row">
      <textarea id="task" name="task" rows="2" placeholder="What should the agent do?" aria-describedby="task-help" autocomplete="off"></textarea>
      <div class="composer-actions">
        <button type="submit" class="primary" id="send">Send</button>
        <button type="button" class="danger" id="stop" disabled>Stop</button>
      </div>
    </div>
    <div class="composer-footer">
      <span id="task-help">Enter sends, Shift+Enter adds a line, Escape stops a run.</span>${uploadControl(info)}
    </div>
    <p class="status" id="status" role="status" aria-live="polite"></p>
  </div>
</form>
<script type="application/json" id="smol-config">${scriptSafeJson(info)}</script>
<script nonce="${nonce}">${pageScript}</script>
</body>
</html>
`;
}
