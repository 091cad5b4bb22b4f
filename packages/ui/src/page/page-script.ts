/**
 * The page's script, sent inline. Plain browser JavaScript (no build step, no framework): it
 * opens a session, posts tasks, reads each run's event stream and draws it. Everything the
 * agent produced is put in the page as text (`textContent`), never as HTML.
 */
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

  var sessionId = null;
  var running = false;
  var attachments = [];
  var uploadsInFlight = 0;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function setStatus(text, isError) {
    statusLine.textContent = text;
    statusLine.classList.toggle("is-error", Boolean(isError));
  }

  function nearBottom() {
    return window.innerHeight + window.scrollY >= document.body.scrollHeight - 160;
  }

  function keepScrolled(wasNearBottom) {
    if (wasNearBottom) window.scrollTo(0, document.body.scrollHeight);
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
      problem.error += " A new conversation will start with your next message.";
    }
  }

  function ensureSession() {
    if (sessionId) return Promise.resolve(sessionId);
    return postJson("/api/sessions").then(function (response) {
      if (!response.ok) return readProblem(response).then(function (problem) { throw new Error(problem.error); });
      return response.json().then(function (body) { sessionId = body.sessionId; return sessionId; });
    });
  }

  function sessionPath(suffix) {
    return "/api/sessions/" + encodeURIComponent(sessionId) + suffix;
  }

  function formatCount(count) {
    return Number(count).toLocaleString("en-US");
  }

  function formatBytes(bytes) {
    if (bytes >= 1048576) return (bytes / 1048576).toFixed(1) + " MB";
    if (bytes >= 1024) return (bytes / 1024).toFixed(1) + " KB";
    return bytes + " bytes";
  }

  function footerText(stepLabel, footer) {
    var parts = [stepLabel];
    if (footer.durationSeconds !== undefined) parts.push(footer.durationSeconds.toFixed(2) + " s");
    if (footer.inputTokens !== undefined) parts.push(formatCount(footer.inputTokens) + " input tokens");
    if (footer.outputTokens !== undefined) parts.push(formatCount(footer.outputTokens) + " output tokens");
    return parts.join(" · ");
  }

  function codeBlock(tokens) {
    var pre = element("pre", "code");
    var code = element("code");
    code.className = "language-python";
    tokens.forEach(function (token) {
      if (token[0] === "text") code.appendChild(document.createTextNode(token[1]));
      else code.appendChild(element("span", "tok-" + token[0], token[1]));
    });
    pre.appendChild(code);
    return pre;
  }

  function labelled(label, codeName) {
    var paragraph = element("p", "block-label", label);
    if (codeName) paragraph.appendChild(element("code", null, codeName));
    return paragraph;
  }

  function mediaBlock(media) {
    var box = element("div", "media");
    media.forEach(function (item) {
      if (!item.url.startsWith("data:")) {
        var link = element("a", null, "Open the " + item.kind + " (external link)");
        link.href = item.url;
        link.rel = "noopener noreferrer";
        link.target = "_blank";
        box.appendChild(link);
      } else if (item.kind === "image") {
        var image = element("img");
        image.src = item.url;
        image.alt = "Image produced by the agent";
        box.appendChild(image);
      } else {
        var audio = element("audio");
        audio.controls = true;
        audio.src = item.url;
        audio.setAttribute("aria-label", "Audio produced by the agent");
        box.appendChild(audio);
      }
    });
    return box;
  }

  function errorBlock(error) {
    var box = element("div", "error");
    box.appendChild(element("strong", null, "Error · " + error.name));
    box.appendChild(element("span", "error-message", error.message));
    return box;
  }

  function markFailedToolCalls(article, ids) {
    article.querySelectorAll(".tool-output").forEach(function (output) {
      if (ids.indexOf(output.dataset.callId) < 0) return;
      output.classList.add("error");
      var label = output.querySelector(".block-label");
      label.firstChild.textContent = "Error from ";
    });
  }

  // One run: a section holding its steps; "current" is the step being streamed.
  function RunView() {
    this.section = element("section", "run");
    this.section.setAttribute("aria-label", "The agent's work on this message");
    transcript.appendChild(this.section);
    this.current = null;
    this.ended = false;
  }

  RunView.prototype.stepBlock = function (stepNumber) {
    if (this.current) return this.current;
    var article = element("article", "step");
    article.setAttribute("aria-busy", "true");
    var heading = element("h3", null, "Step " + stepNumber);
    var thought = element("div", "thought");
    article.appendChild(heading);
    article.appendChild(thought);
    this.section.appendChild(article);
    this.current = { article: article, heading: heading, thought: thought, hasActions: false };
    return this.current;
  };

  RunView.prototype.handle = function (event) {
    var wasNearBottom = nearBottom();
    var block;
    switch (event.kind) {
      case "delta":
        block = this.stepBlock(event.step);
        block.thought.textContent += event.text;
        block.thought.classList.add("streaming");
        break;
      case "plan":
        // Text streamed so far was the plan being written: the plan block replaces it.
        if (this.current && !this.current.hasActions) {
          this.current.article.remove();
          this.current = null;
        }
        var plan = element("article", "plan");
        plan.appendChild(element("h3", null, "Plan"));
        plan.appendChild(element("div", "plan-text", event.text));
        plan.appendChild(element("p", "step-footer", footerText("Planning", event.footer)));
        this.section.appendChild(plan);
        break;
      case "tool-call":
        block = this.stepBlock(event.step);
        block.hasActions = true;
        if (event.code) {
          block.article.appendChild(labelled("Runs this code"));
          block.article.appendChild(codeBlock(event.code));
        } else {
          block.article.appendChild(labelled("Calls the tool ", event.name));
          block.article.appendChild(element("pre", "arguments", event.arguments || ""));
        }
        break;
      case "tool-output":
        block = this.stepBlock(event.step);
        block.hasActions = true;
        var output = element("div", "tool-output");
        output.dataset.callId = event.id;
        output.appendChild(labelled("Output of ", event.name));
        if (event.text) output.appendChild(element("pre", null, event.text));
        if (event.media.length) output.appendChild(mediaBlock(event.media));
        block.article.appendChild(output);
        break;
      case "step":
        block = this.stepBlock(event.step);
        block.heading.textContent = "Step " + event.step;
        block.thought.classList.remove("streaming");
        block.thought.textContent = event.thought;
        if (event.code) {
          block.article.appendChild(labelled("Runs this code"));
          block.article.appendChild(codeBlock(event.code));
        }
        if (event.logs) {
          var logs = element("div", "logs");
          logs.appendChild(labelled("Execution logs"));
          logs.appendChild(element("pre", null, event.logs));
          block.article.appendChild(logs);
        }
        if (event.media.length) block.article.appendChild(mediaBlock(event.media));
        markFailedToolCalls(block.article, event.failedToolCalls);
        if (event.error) block.article.appendChild(errorBlock(event.error));
        block.article.appendChild(element("p", "step-footer", footerText("Step " + event.step, event.footer)));
        block.article.setAttribute("aria-busy", "false");
        this.current = null;
        break;
      case "final-answer":
        var answer = element("article", "final-answer");
        answer.appendChild(element("h3", null, "Final answer"));
        if (event.text !== undefined) answer.appendChild(element("p", "answer-text", event.text));
        if (event.media.length) answer.appendChild(mediaBlock(event.media));
        this.section.appendChild(answer);
        break;
      case "run-end":
        this.end(event.status, event.message);
        break;
    }
    keepScrolled(wasNearBottom);
  };

  RunView.prototype.end = function (status, message) {
    if (this.ended) return;
    this.ended = true;
    if (this.current) {
      this.current.thought.classList.remove("streaming");
      this.current.article.setAttribute("aria-busy", "false");
      this.current = null;
    }
    var line = element("p", "run-status " + status, message);
    this.section.appendChild(line);
    this.section.dataset.status = status;
    // The details are in the transcript; the status line only says how the run ended.
    setStatus(status === "done" ? "" : status === "stopped" ? message : "The run did not finish: see why above.", status === "failed");
  };

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
    setStatus("Stopping at the end of the current step…");
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
            if (problem.code === "unknown-session") { sessionId = null; return true; }
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
  taskInput.focus();
})();
`;
