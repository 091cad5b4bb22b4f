/**
 * The drawing half of the page's script: turns each event of a run into page elements. Plain
 * browser JavaScript, included in `pageScript` (same scope: it uses the elements found there).
 * Everything the agent produced goes in as text (`textContent`), except Markdown, which the
 * server rendered and sanitized (markdown.ts): only that HTML goes in through `innerHTML`.
 */
export const drawScript = String.raw`
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

  // HTML from the server's Markdown renderer, already sanitized there.
  function setMarkdown(node, html) {
    node.classList.add("markdown");
    node.innerHTML = html;
    return node;
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
        plan.appendChild(
          event.html ? setMarkdown(element("div", "plan-text"), event.html) : element("div", "plan-text", event.text)
        );
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
        if (event.html) output.appendChild(setMarkdown(element("div", "output-text"), event.html));
        else if (event.text) output.appendChild(element("pre", null, event.text));
        if (event.media.length) output.appendChild(mediaBlock(event.media));
        block.article.appendChild(output);
        break;
      case "step":
        block = this.stepBlock(event.step);
        block.heading.textContent = "Step " + event.step;
        block.thought.classList.remove("streaming");
        if (event.thoughtHtml) setMarkdown(block.thought, event.thoughtHtml);
        else block.thought.textContent = event.thought;
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
        if (event.html !== undefined) answer.appendChild(setMarkdown(element("div", "answer-text"), event.html));
        else if (event.text !== undefined) answer.appendChild(element("p", "answer-text", event.text));
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
    if (status === "done") setStatus("");
    else if (status === "stopped") setStatus(message);
    else setStatus("The run did not finish: see why above.", true);
  };
`;
