/**
 * The page's script, sent inline. Plain browser JavaScript (no build step, no framework): it
 * opens a session, posts tasks and uploads, reads each run's event stream and hands every event
 * to the drawing half (`drawScript`).
 */
import { drawScript } from "./draw-script.js";

export const pageScript = String.raw`
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("smol-config").textContent);
  var transcript = document.getElementById("transcript");
  var welcome = document.getElementById("welcome");
  var form = document.getElementById("composer");
  var taskInput = document.getElementById("task");
  var sendButton = document.getElementById("send");
  var stopButton = document.getElementById("stop");
  var newButton = document.getElementById("new-conversation");
  var fileInput = document.getElementById("files");
  var attachmentList = document.getElementById("attachments");
  var statusLine = document.getElementById("status");

  // The tab's conversation survives a reload (sessionStorage is per tab): the page asks the
  // server for what it drew and draws it again. Another tab starts its own conversation.
  var sessionKey = "smol-ui-session";
  var sessionId = readStoredSession();
  var running = false;
  var attachments = [];
  var uploadsInFlight = 0;

${drawScript}

  function readStoredSession() {
    try { return window.sessionStorage.getItem(sessionKey); } catch (error) { return null; }
  }

  function storeSession(id) {
    try {
      if (id) window.sessionStorage.setItem(sessionKey, id);
      else window.sessionStorage.removeItem(sessionKey);
    } catch (error) { /* storage off: the conversation just does not survive a reload */ }
  }

  function postJson(path, body) {
    return fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body || {})
    });
  }

  function readProblem(response) {
    return response.json().then(
      function (body) { return { error: body.error || response.statusText, code: body.code || "" }; },
      function () { return { error: "The server answered " + response.status + ".", code: "" }; }
    );
  }

  function forgetSessionIfUnknown(problem) {
    if (problem.code === "unknown-session") {
      sessionId = null;
      storeSession(null);
      problem.error += " A new conversation will start with your next message.";
    }
  }

  function ensureSession() {
    if (sessionId) return Promise.resolve(sessionId);
    return postJson("/api/sessions").then(function (response) {
      if (!response.ok) return readProblem(response).then(function (problem) { throw new Error(problem.error); });
      return response.json().then(function (body) {
        sessionId = body.sessionId;
        storeSession(sessionId);
        return sessionId;
      });
    });
  }

  function sessionPath(suffix) {
    return "/api/sessions/" + encodeURIComponent(sessionId) + suffix;
  }

  // Server-sent events over a POST response: blocks separated by a blank line, "data:" lines.
  function readEvents(response, onEvent) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) return;
        buffer += decoder.decode(chunk.value, { stream: true });
        var boundary = buffer.indexOf("\n\n");
        while (boundary >= 0) {
          var block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          block.split("\n").forEach(function (line) {
            if (line.startsWith("data: ")) onEvent(JSON.parse(line.slice(6)));
          });
          boundary = buffer.indexOf("\n\n");
        }
        return pump();
      });
    }
    return pump();
  }

  function setRunning(isRunning) {
    running = isRunning;
    sendButton.disabled = isRunning;
    stopButton.disabled = !isRunning;
    newButton.disabled = isRunning;
    form.setAttribute("aria-busy", String(isRunning));
  }

  function showUserMessage(task, files) {
    welcome.hidden = true;
    var bubble = element("div", "message-user");
    bubble.appendChild(element("p", null, task));
    if (files.length) {
      var list = element("ul");
      list.setAttribute("aria-label", "Attached files");
      files.forEach(function (file) { list.appendChild(element("li", null, file.originalName)); });
      bubble.appendChild(list);
    }
    transcript.appendChild(bubble);
    keepScrolled(true);
  }

  function sendTask() {
    var task = taskInput.value.trim();
    if (running) return;
    if (!task) {
      setStatus("Write a message for the agent first.", true);
      taskInput.focus();
      return;
    }
    if (uploadsInFlight > 0) {
      setStatus("Wait until the files have finished uploading.", true);
      return;
    }
    var files = attachments.slice();
    clearAttachments();
    taskInput.value = "";
    showUserMessage(task, files);
    setRunning(true);
    setStatus("The agent is working…");
    var run = new RunView();
    ensureSession()
      .then(function () {
        return postJson(sessionPath("/runs"), {
          task: task,
          files: files.map(function (file) { return file.storedName; })
        });
      })
      .then(function (response) {
        if (!response.ok) {
          return readProblem(response).then(function (problem) {
            forgetSessionIfUnknown(problem);
            run.end("failed", problem.error);
          });
        }
        return readEvents(response, function (event) { run.handle(event); }).then(function () {
          run.end("failed", "The connection to the server ended before the run did.");
        });
      })
      .catch(function (error) {
        run.end("failed", "Could not reach the server: " + error.message);
      })
      .then(function () {
        setRunning(false);
        taskInput.focus();
      });
  }

  function stopRun() {
    if (!running || !sessionId) return;
    stopButton.disabled = true;
    setStatus("Stopping…");
    postJson(sessionPath("/stop")).then(function (response) {
      if (response.ok) return;
      return readProblem(response).then(function (problem) {
        if (running) setStatus(problem.error, true);
      });
    });
  }

  function newConversation() {
    if (running) return;
    var reset = sessionId
      ? postJson(sessionPath("/reset")).then(function (response) {
          if (response.ok) return true;
          return readProblem(response).then(function (problem) {
            if (problem.code === "unknown-session") { sessionId = null; storeSession(null); return true; }
            setStatus(problem.error, true);
            return false;
          });
        })
      : Promise.resolve(true);
    reset.then(function (done) {
      if (!done) return;
      transcript.replaceChildren();
      welcome.hidden = false;
      setStatus("New conversation: the agent's memory was cleared.");
      taskInput.focus();
    });
  }

  function clearAttachments() {
    attachments = [];
    if (attachmentList) attachmentList.replaceChildren();
  }

  function uploadFile(file) {
    var item = element("li", null, file.name + " — uploading…");
    attachmentList.appendChild(item);
    if (file.size > config.maxUploadBytes) {
      item.textContent = file.name + ": too large (the limit is " + formatBytes(config.maxUploadBytes) + ")";
      item.className = "is-error";
      return;
    }
    uploadsInFlight += 1;
    ensureSession()
      .then(function () {
        return fetch(sessionPath("/uploads?name=" + encodeURIComponent(file.name)), {
          method: "POST",
          headers: { "content-type": "application/octet-stream" },
          body: file
        });
      })
      .then(function (response) {
        if (!response.ok) {
          return readProblem(response).then(function (problem) {
            forgetSessionIfUnknown(problem);
            item.textContent = file.name + ": " + problem.error;
            item.className = "is-error";
          });
        }
        return response.json().then(function (body) {
          var entry = body.file;
          attachments.push(entry);
          item.textContent = entry.originalName + " (" + formatBytes(entry.size) + ")";
          item.dataset.storedName = entry.storedName;
          var remove = element("button", null, "×");
          remove.type = "button";
          remove.setAttribute("aria-label", "Remove " + entry.originalName);
          remove.addEventListener("click", function () {
            attachments = attachments.filter(function (other) { return other !== entry; });
            item.remove();
          });
          item.appendChild(remove);
        });
      })
      .catch(function (error) {
        item.textContent = file.name + ": upload failed (" + error.message + ")";
        item.className = "is-error";
      })
      .then(function () { uploadsInFlight -= 1; });
  }

  // After a reload: draw the conversation the server kept for this tab, message by message.
  function restoreConversation() {
    if (!sessionId) return;
    postJson(sessionPath("/history"))
      .then(function (response) {
        if (!response.ok) {
          return readProblem(response).then(function (problem) {
            if (problem.code === "unknown-session") { sessionId = null; storeSession(null); }
          });
        }
        return response.json().then(function (body) {
          body.entries.forEach(function (entry) {
            showUserMessage(entry.task, entry.files);
            var run = new RunView();
            entry.events.forEach(function (event) { run.handle(event); });
          });
          if (body.running) setStatus("A run of this conversation is still going.");
        });
      })
      .catch(function () { /* the server is gone: the next message says so */ });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    sendTask();
  });
  taskInput.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendTask();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && running) stopRun();
  });
  stopButton.addEventListener("click", stopRun);
  newButton.addEventListener("click", newConversation);
  if (fileInput) {
    fileInput.addEventListener("change", function () {
      Array.prototype.forEach.call(fileInput.files, uploadFile);
      fileInput.value = "";
    });
  }
  restoreConversation();
  taskInput.focus();
})();
`;
