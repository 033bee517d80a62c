// The admin's Markdown editor, as progressive enhancement of a plain textarea (which works
// without this script). No bundler, no inline code (the CSP forbids it): one static file.
//
// Per Markdown field: a toolbar with keyboard shortcuts, the live preview beside the text (a
// Write / Preview switch on narrow screens) that follows the caret's section, the writing checks
// computed by the server with the preview, drag-and-drop and pasted images (then asked for a
// description), a citation picker, and the formatted reference on hover or focus of a citation.
// Per form: autosave to the server, the offer to restore, and a warning before leaving unsaved.
(function () {
  "use strict";

  var PREVIEW_DELAY = 300;   // ms of pause before the preview and checks refresh
  var AUTOSAVE_DELAY = 3000; // ms of pause before the form is autosaved
  var PLACEHOLDER_ALT = "Describe this image";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) { return input.value; }
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
    });
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function clip(text, length) {
    return text.length <= length ? text : text.slice(0, length - 1).trimEnd() + "…";
  }

  // A Range over `text` inside `root`, comparing with runs of white space as one space and
  // leaving citation and footnote numbers out (as the writing checks read the text); or null.
  function findText(root, text) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentElement.closest("sup.citation, sup.footnote-ref, .visually-hidden") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      },
    });
    var chars = [], where = [], space = true;
    while (walker.nextNode()) {
      var node = walker.currentNode;
      for (var i = 0; i < node.data.length; i++) {
        var c = node.data[i];
        if (/\s/.test(c)) {
          if (space) { continue; }
          c = " ";
          space = true;
        } else {
          space = false;
        }
        chars.push(c);
        where.push([node, i]);
      }
    }
    var start = chars.join("").indexOf(text);
    if (start < 0 || !text.length) { return null; }
    var end = where[start + text.length - 1];
    var range = document.createRange();
    range.setStart(where[start][0], where[start][1]);
    range.setEnd(end[0], end[1] + 1);
    return range;
  }

  var isMac = /Mac|iPhone|iPad/.test(navigator.platform || "");
  function shortcutLabel(keys) {
    return keys.replace("Mod", isMac ? "⌘" : "Ctrl");
  }

  // Editing the text -----------------------------------------------------------------------------

  function replaceSelection(textarea, before, after, placeholder) {
    var start = textarea.selectionStart, end = textarea.selectionEnd;
    var selected = textarea.value.slice(start, end) || placeholder || "";
    textarea.focus();
    textarea.setRangeText(before + selected + (after || ""), start, end, "end");
    // Select the inner text so typing replaces a placeholder.
    textarea.setSelectionRange(start + before.length, start + before.length + selected.length);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function insertText(textarea, text) {
    var start = textarea.selectionStart, end = textarea.selectionEnd;
    textarea.focus();
    textarea.setRangeText(text, start, end, "end");
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function prefixLines(textarea, prefix, numbered) {
    var value = textarea.value;
    var start = value.lastIndexOf("\n", textarea.selectionStart - 1) + 1;
    var end = value.indexOf("\n", Math.max(textarea.selectionEnd - 1, start));
    if (end === -1) { end = value.length; }
    var lines = value.slice(start, end).split("\n");
    var text = lines.map(function (line, index) {
      var bare = line.replace(/^(#{1,6} |> |- |\d+\. )/, "");
      return (numbered ? (index + 1) + ". " : prefix) + bare;
    }).join("\n");
    textarea.focus();
    textarea.setRangeText(text, start, end, "select");
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function block(textarea, text) {
    // A block starts on its own line with a blank line before it.
    var before = textarea.value.slice(0, textarea.selectionStart);
    var gap = before === "" || /\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n");
    insertText(textarea, gap + text + "\n\n");
  }

  function selectLine(textarea, line) {
    var lines = textarea.value.split("\n");
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) { start += lines[i].length + 1; }
    var end = start + (lines[line - 1] || "").length;
    textarea.focus();
    textarea.setSelectionRange(start, end);
    // Scroll the textarea so the line is visible.
    var ratio = (line - 1) / Math.max(lines.length, 1);
    textarea.scrollTop = Math.max(0, ratio * textarea.scrollHeight - textarea.clientHeight / 3);
  }

  var CALLOUTS = [
    ["note", "Good to know"],
    ["tip", "Tip"],
    ["routine", "Non-urgent: see a GP if"],
    ["soon", "See a doctor soon if"],
    ["emergency", "Call 999 or go to A&E now if"],
  ];

  function commands(editor) {
    var t = editor.textarea;
    return [
      { id: "h2", label: "Heading", text: "H2", keys: "Mod+Alt+2",
        run: function () { prefixLines(t, "## "); } },
      { id: "h3", label: "Subheading", text: "H3", keys: "Mod+Alt+3",
        run: function () { prefixLines(t, "### "); } },
      { id: "bold", label: "Bold", text: "B", keys: "Mod+B",
        run: function () { replaceSelection(t, "**", "**", "bold text"); } },
      { id: "italic", label: "Italic", text: "I", keys: "Mod+I",
        run: function () { replaceSelection(t, "_", "_", "italic text"); } },
      { id: "ul", label: "Bulleted list", text: "• List", keys: "Mod+Shift+8",
        run: function () { prefixLines(t, "- "); } },
      { id: "ol", label: "Numbered list", text: "1. List", keys: "Mod+Shift+7",
        run: function () { prefixLines(t, "", true); } },
      { id: "link", label: "Link", text: "Link", keys: "Mod+K",
        run: function () { replaceSelection(t, "[", "](https://)", "words that say where it goes"); } },
      { id: "image", label: "Image", text: "Image", keys: "Mod+Alt+I",
        run: function () { editor.chooseImage(); } },
      { id: "quote", label: "Quote", text: "Quote", keys: "Mod+Shift+9",
        run: function () { prefixLines(t, "> "); } },
      { id: "callout", label: "Call-out box", text: "Call-out", keys: "Mod+Alt+C",
        run: function (button) { editor.toggleCallouts(button); } },
      { id: "cite", label: "Cite a reference", text: "Cite", keys: "Mod+Shift+E",
        run: function () { editor.openPicker(); } },
    ];
  }

  function matches(event, keys) {
    var parts = keys.split("+");
    var key = parts.pop();
    var wantMod = parts.indexOf("Mod") !== -1, wantShift = parts.indexOf("Shift") !== -1;
    var wantAlt = parts.indexOf("Alt") !== -1;
    var mod = isMac ? event.metaKey : event.ctrlKey;
    if (mod !== wantMod || event.shiftKey !== wantShift || event.altKey !== wantAlt) { return false; }
    // event.code is layout independent for digits; letters compare on key.
    if (/^\d$/.test(key)) { return event.code === "Digit" + key; }
    // Letters: the key typed, or the physical key (Alt changes what a Mac types).
    return event.key.toUpperCase() === key.toUpperCase() || event.code === "Key" + key.toUpperCase();
  }

  // One Markdown field ---------------------------------------------------------------------------

  function Editor(container, textarea, preview) {
    this.container = container;
    this.textarea = textarea;
    this.preview = preview;
    this.previewUrl = textarea.dataset.previewUrl;
    this.uploadUrl = textarea.dataset.uploadUrl;
    this.citationsUrl = textarea.dataset.citationsUrl;
    this.importUrl = textarea.dataset.importUrl;
    this.headingBase = textarea.dataset.headingBase || "1";
    this.timer = null;
    this.request = 0;
    this.label = (document.querySelector('label[for="' + textarea.id + '"]') || {}).textContent || "Text";
    this.label = this.label.replace(/:\s*$/, "").trim();
    this.build();
    this.refresh();
  }

  Editor.prototype.build = function () {
    var self = this, t = this.textarea;
    this.container.classList.add("editor-ready");
    var id = t.id;

    // Write / Preview switch (shown on narrow screens by the CSS).
    var modes = el("div", { "class": "editor-modes", role: "group", "aria-label": this.label + ": show" });
    this.writeButton = el("button", { type: "button", "aria-pressed": "true", "class": "button" }, "Write");
    this.previewButton = el("button", { type: "button", "aria-pressed": "false", "class": "button" }, "Preview");
    this.writeButton.addEventListener("click", function () { self.showMode("write"); });
    this.previewButton.addEventListener("click", function () { self.showMode("preview"); });
    modes.append(this.writeButton, this.previewButton);

    // Toolbar: one tab stop, arrow keys move between buttons (WAI-ARIA toolbar pattern).
    var toolbar = el("div", { role: "toolbar", "class": "editor-toolbar", "aria-label": this.label + ": formatting", "aria-controls": id });
    this.commands = commands(this);
    this.commands.forEach(function (command, index) {
      var button = el("button", {
        type: "button",
        "class": "editor-button editor-button-" + command.id,
        "aria-label": command.label,
        "aria-keyshortcuts": command.keys.replace("Mod", isMac ? "Meta" : "Control"),
        title: command.label + " (" + shortcutLabel(command.keys) + ")",
        tabindex: index === 0 ? "0" : "-1",
      }, command.text);
      button.addEventListener("click", function () { command.run(button); });
      command.button = button;
      toolbar.append(button);
    });
    toolbar.addEventListener("keydown", function (event) {
      var buttons = Array.prototype.slice.call(toolbar.querySelectorAll(".editor-button"));
      var index = buttons.indexOf(document.activeElement);
      if (index === -1) { return; }
      var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: buttons.length - 1 }[event.key];
      if (next === undefined) { return; }
      event.preventDefault();
      next = (next + buttons.length) % buttons.length;
      buttons[index].tabIndex = -1;
      buttons[next].tabIndex = 0;
      buttons[next].focus();
    });

    // Call-out menu (a disclosure of five buttons).
    this.calloutMenu = el("div", { "class": "editor-callouts", hidden: "", role: "group", "aria-label": "Call-out boxes" });
    CALLOUTS.forEach(function (pair) {
      var button = el("button", { type: "button", "class": "button" }, pair[1]);
      button.addEventListener("click", function () {
        self.calloutMenu.hidden = true;
        self.commandButton("callout").setAttribute("aria-expanded", "false");
        block(t, "::: " + pair[0] + "\n- \n:::");
        t.setSelectionRange(t.selectionStart - 7, t.selectionStart - 7);
      });
      self.calloutMenu.append(button);
    });
    this.calloutMenu.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { self.toggleCallouts(); self.commandButton("callout").focus(); }
    });
    this.commandButton("callout").setAttribute("aria-expanded", "false");

    var help = el("p", { "class": "editor-help", id: id + "-help" },
      "Tip: the toolbar is one stop for the Tab key; use the arrow keys inside it. " +
      "Drop or paste a photo into the text to add it.");
    t.setAttribute("aria-describedby", ((t.getAttribute("aria-describedby") || "") + " " + help.id).trim());

    this.container.parentNode.insertBefore(modes, this.container);
    this.container.parentNode.insertBefore(toolbar, this.container);
    this.container.parentNode.insertBefore(this.calloutMenu, this.container);
    this.container.parentNode.insertBefore(help, this.container);

    this.preview.id = id + "-preview";
    this.preview.setAttribute("role", "region");
    this.preview.setAttribute("aria-label", this.label + ": preview");
    this.preview.tabIndex = 0;

    // Writing checks, computed by the server with each preview.
    this.checks = el("section", { "class": "writing-checks", "aria-label": this.label + ": writing checks" });
    this.stats = el("p", { "class": "writing-stats" });
    this.announcer = el("p", { "class": "visually-hidden", role: "status" });
    this.findings = el("div", { "class": "writing-findings" });
    this.checks.append(this.stats, this.findings, this.announcer);
    this.container.append(this.checks);

    this.status = el("p", { "class": "upload-error", role: "alert" });
    this.container.parentNode.insertBefore(this.status, this.container.nextSibling);

    this.fileInput = el("input", { type: "file", accept: "image/jpeg,image/png,image/webp,image/gif", hidden: "", tabindex: "-1", "aria-hidden": "true" });
    this.fileInput.addEventListener("change", function () {
      if (self.fileInput.files[0]) { self.upload(self.fileInput.files[0]); }
      self.fileInput.value = "";
    });
    this.container.append(this.fileInput);

    t.addEventListener("input", function () { self.schedule(); });
    t.addEventListener("keydown", function (event) { self.onKeyDown(event); });
    ["keyup", "click"].forEach(function (type) {
      t.addEventListener(type, function () { self.followCaret(); });
    });
    t.addEventListener("dragover", function (event) { event.preventDefault(); t.classList.add("dragging"); });
    t.addEventListener("dragleave", function () { t.classList.remove("dragging"); });
    t.addEventListener("drop", function (event) {
      t.classList.remove("dragging");
      var file = event.dataTransfer && event.dataTransfer.files[0];
      if (file) { event.preventDefault(); self.upload(file); }
    });
    t.addEventListener("paste", function (event) {
      var items = (event.clipboardData && event.clipboardData.files) || [];
      if (items.length && /^image\//.test(items[0].type)) { event.preventDefault(); self.upload(items[0]); }
    });

    // The formatted reference on hover or focus of a citation in the preview.
    this.tooltip = el("div", { "class": "citation-tooltip", role: "tooltip", id: id + "-citation-tip", hidden: "" });
    this.container.append(this.tooltip);
    ["mouseover", "focusin"].forEach(function (type) {
      self.preview.addEventListener(type, function (event) { self.showReference(event.target); });
    });
    ["mouseout", "focusout"].forEach(function (type) {
      self.preview.addEventListener(type, function () { self.tooltip.hidden = true; });
    });
    this.preview.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { self.tooltip.hidden = true; }
    });
    // A click on a citation jumps within the preview, not the page.
    this.preview.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href^='#']");
      if (!link) { return; }
      var target = self.preview.querySelector(link.getAttribute("href").replace(/^#(\d)/, "#\\3$1 "));
      event.preventDefault();
      if (target) { self.preview.scrollTop = target.offsetTop - self.preview.offsetTop - 8; }
    });
  };

  Editor.prototype.commandButton = function (id) {
    for (var i = 0; i < this.commands.length; i++) {
      if (this.commands[i].id === id) { return this.commands[i].button; }
    }
    return null;
  };

  Editor.prototype.toggleCallouts = function () {
    var open = this.calloutMenu.hidden;
    this.calloutMenu.hidden = !open;
    this.commandButton("callout").setAttribute("aria-expanded", open ? "true" : "false");
    if (open) { this.calloutMenu.querySelector("button").focus(); }
  };

  Editor.prototype.showMode = function (mode) {
    var preview = mode === "preview";
    this.container.classList.toggle("show-preview", preview);
    this.writeButton.setAttribute("aria-pressed", preview ? "false" : "true");
    this.previewButton.setAttribute("aria-pressed", preview ? "true" : "false");
    if (preview) { this.refresh(); }
  };

  Editor.prototype.onKeyDown = function (event) {
    for (var i = 0; i < this.commands.length; i++) {
      if (matches(event, this.commands[i].keys)) {
        event.preventDefault();
        this.commands[i].run(this.commands[i].button);
        return;
      }
    }
  };

  Editor.prototype.schedule = function () {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.refresh(); }, PREVIEW_DELAY);
  };

  Editor.prototype.refresh = function () {
    var self = this;
    if (!this.previewUrl) { return; }
    var number = ++this.request;
    var body = new FormData();
    body.append("content", this.textarea.value);
    body.append("heading_base", this.headingBase);
    post(this.previewUrl, body).then(function (response) {
      return response.json().catch(function () { return { error: "The preview could not be made." }; });
    }).then(function (data) {
      if (number !== self.request) { return; }  // a newer request is on its way
      if (data.error) {
        self.preview.replaceChildren(el("p", { "class": "preview-error" }, data.error));
        return;
      }
      // The server sanitised this HTML with the same allow-list as the public pages.
      self.preview.innerHTML = data.html;
      self.showReport(data.report);
      self.highlightLongSentences(data.report);
      self.followCaret();
      if (self.pendingFocus) {
        var target = document.getElementById(self.pendingFocus);
        self.pendingFocus = null;
        if (target) { target.focus(); }
      }
    }).catch(function () {
      self.preview.replaceChildren(el("p", { "class": "preview-error" }, "The preview is not reachable; your text is safe in the box."));
    });
  };

  Editor.prototype.showReport = function (report) {
    var self = this;
    var parts = [
      report.words.toLocaleString() + " words",
      report.minutes + " min read",
    ];
    this.stats.replaceChildren();
    this.stats.append(el("span", { "class": "stat-words" }, parts.join(" · ")));
    if (report.reading_ease !== null) {
      var ease = el("span", { "class": "stat-readability " + (report.plain_english ? "good" : "hard") },
        " · Reading ease " + Math.round(report.reading_ease) + " (plain English is 60 or more), reading age about " +
        report.reading_age + " (NHS aims for 9 to 11)");
      this.stats.append(ease);
    }
    this.findings.replaceChildren();
    if (report.longest.length) {
      var long = el("details", { "class": "longest-sentences" });
      long.append(el("summary", {}, "Longest sentences"));
      var list = el("ol");
      report.longest.forEach(function (sentence, index) {
        var tooLong = sentence.words > report.long_sentence_words;
        var item = el("li", { "class": tooLong ? "too-long" : "" });
        item.append(el("span", {}, sentence.words + " words: " + clip(sentence.text, 200) + " "));
        if (sentence.line) { item.append(self.showButton(sentence.line, "Show sentence in the text")); }
        if (tooLong) { item.append(self.showInPreviewButton(self.longSentenceId(index))); }
        list.append(item);
      });
      long.append(list);
      this.findings.append(long);
    }
    var heading = el("p", { "class": "findings-title" }, report.findings.length ? report.findings.length + " thing" + (report.findings.length === 1 ? "" : "s") + " to check" : "No content issues found");
    this.findings.append(heading);
    if (report.findings.length) {
      var items = el("ul", { "class": "finding-list" });
      report.findings.forEach(function (finding) {
        var item = el("li", { "class": "finding finding-" + finding.code });
        item.append(el("span", {}, finding.message + (finding.excerpt ? " (“" + finding.excerpt + "”) " : " ")));
        if (finding.line) { item.append(self.showButton(finding.line, "Show in the text")); }
        items.append(item);
      });
      this.findings.append(items);
    }
    var summary = report.findings.length + " thing" + (report.findings.length === 1 ? "" : "s") + " to check";
    if (summary !== this.lastSummary) {
      this.announcer.textContent = this.label + ": " + summary;
      this.lastSummary = summary;
    }
  };

  // Long sentences, marked in the preview ---------------------------------------------------------

  Editor.prototype.longSentenceId = function (index) { return this.textarea.id + "-long-sentence-" + index; };

  // Each sentence the checks call too long is wrapped in a <mark> in the preview, found by its
  // text as the page reads it (the checks leave citation numbers out, so they are skipped here
  // too). The mark can be reached with Tab and says what it is to screen readers.
  Editor.prototype.highlightLongSentences = function (report) {
    var self = this;
    report.longest.forEach(function (sentence, index) {
      if (sentence.words <= report.long_sentence_words) { return; }
      var range = findText(self.preview, sentence.text);
      if (!range) { return; }
      var mark = el("mark", {
        "class": "long-sentence", id: self.longSentenceId(index), tabindex: "0",
        title: "Long sentence: " + sentence.words + " words (aim for " + report.long_sentence_words + " or fewer)",
      });
      mark.append(el("span", { "class": "visually-hidden" }, "Long sentence, " + sentence.words + " words: "));
      mark.append(range.extractContents());
      range.insertNode(mark);
    });
  };

  Editor.prototype.showInPreviewButton = function (id) {
    var self = this;
    var button = el("button", { type: "button", "class": "button show-line", "aria-label": "Show this sentence in the preview" }, "In preview");
    button.addEventListener("click", function () {
      // The preview is made again when it is shown; the mark is focused once it is there.
      self.pendingFocus = id;
      self.showMode("preview");
    });
    return button;
  };

  Editor.prototype.showButton = function (line, label) {
    var self = this;
    var button = el("button", { type: "button", "class": "button show-line", "aria-label": label + " (line " + line + ")" }, "Show");
    button.addEventListener("click", function () { self.showMode("write"); selectLine(self.textarea, line); });
    return button;
  };

  // The preview shows the section the caret is in.
  Editor.prototype.followCaret = function () {
    var before = this.textarea.value.slice(0, this.textarea.selectionStart);
    var count = (before.match(/^#{1,6} /gm) || []).length;
    var headings = this.preview.querySelectorAll("h2, h3, h4, h5, h6");
    if (!headings.length || this.preview.scrollHeight <= this.preview.clientHeight) { return; }
    var target = count ? headings[Math.min(count, headings.length) - 1] : null;
    this.preview.scrollTop = target ? target.offsetTop - this.preview.offsetTop - 8 : 0;
  };

  Editor.prototype.showReference = function (target) {
    var link = target.closest && target.closest("sup.citation a[href^='#ref-']");
    if (!link) { return; }
    var entry = this.preview.querySelector(link.getAttribute("href"));
    if (!entry) { return; }
    var text = entry.cloneNode(true);
    text.querySelectorAll(".backlinks, a[href^='#cite-']").forEach(function (node) { node.remove(); });
    this.tooltip.textContent = link.textContent + ". " + text.textContent.replace(/\s+/g, " ").trim();
    link.setAttribute("aria-describedby", this.tooltip.id);
    this.tooltip.hidden = false;
    var box = this.container.getBoundingClientRect(), at = link.getBoundingClientRect();
    this.tooltip.style.left = Math.max(0, Math.min(at.left - box.left, box.width - 320)) + "px";
    this.tooltip.style.top = (at.bottom - box.top + 4) + "px";
  };

  // Images ---------------------------------------------------------------------------------------

  Editor.prototype.chooseImage = function () { this.fileInput.click(); };

  Editor.prototype.upload = function (file) {
    var self = this;
    var body = new FormData();
    body.append("image", file);
    this.status.textContent = "";
    this.textarea.classList.add("uploading");
    post(this.uploadUrl, body).then(function (response) {
      return response.json().catch(function () { return { image: ["The image could not be uploaded."] }; });
    }).then(function (data) {
      self.textarea.classList.remove("uploading");
      if (!data.image_code) {
        self.status.textContent = (data.image || ["The image could not be uploaded."]).join(" ");
        return;
      }
      var start = self.textarea.selectionStart;
      block(self.textarea, data.image_code);
      self.describe(start);
    }).catch(function () {
      self.textarea.classList.remove("uploading");
      self.status.textContent = "The image could not be uploaded: the server is not reachable.";
    });
  };

  // Ask for the description of the image just inserted (its placeholder after `from`).
  Editor.prototype.describe = function (from) {
    var self = this, t = this.textarea;
    var dialog = el("dialog", { "class": "editor-dialog", "aria-labelledby": t.id + "-describe-title" });
    var form = el("form", { method: "dialog" });
    form.append(el("h2", { id: t.id + "-describe-title" }, "Describe this image"));
    var input = el("input", { type: "text", id: t.id + "-describe", required: "", "class": "vTextField" });
    var label = el("label", { "for": input.id }, "What does it show? Patients who cannot see it hear this.");
    var hint = el("p", { "class": "help" }, "For example: “Fine needles in the lower back, seen from behind”.");
    var ok = el("button", { type: "submit", "class": "button default" }, "Use this description");
    var later = el("button", { type: "button", "class": "button" }, "Later");
    form.append(label, input, hint, ok, later);
    dialog.append(form);
    document.body.append(dialog);
    later.addEventListener("click", function () { dialog.close(); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var words = input.value.replace(/[\[\]]/g, "").trim();
      if (!words) { input.focus(); return; }
      var index = t.value.indexOf("![" + PLACEHOLDER_ALT + "]", Math.max(0, from - 2));
      if (index === -1) { index = t.value.indexOf("![" + PLACEHOLDER_ALT + "]"); }
      if (index !== -1) {
        t.setRangeText("![" + words + "]", index, index + PLACEHOLDER_ALT.length + 3, "preserve");
        t.dispatchEvent(new Event("input", { bubbles: true }));
      }
      dialog.close();
    });
    dialog.addEventListener("close", function () { dialog.remove(); t.focus(); });
    dialog.showModal();
    input.focus();
  };

  // Citation picker ------------------------------------------------------------------------------

  Editor.prototype.openPicker = function () {
    var self = this, t = this.textarea;
    if (!this.citationsUrl) { replaceSelection(t, "[@", "]", "key"); return; }
    var caret = [t.selectionStart, t.selectionEnd];
    var dialog = el("dialog", { "class": "editor-dialog citation-picker", "aria-labelledby": t.id + "-cite-title" });
    var heading = el("h2", { id: t.id + "-cite-title" }, "Cite a reference");
    var input = el("input", { type: "search", id: t.id + "-cite-search", "class": "vTextField", autocomplete: "off" });
    var label = el("label", { "for": input.id }, "Search the library by author, title, year, DOI or key");
    var status = el("p", { role: "status", "class": "picker-status" });
    var results = el("ul", { "class": "picker-results" });
    var close = el("button", { type: "button", "class": "button" }, "Close");
    dialog.append(heading, label, input, status, results, close);
    document.body.append(dialog);
    var timer = null, number = 0;
    function search() {
      var query = input.value.trim();
      var mine = ++number;
      fetch(self.citationsUrl + "?q=" + encodeURIComponent(query), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (mine !== number) { return; }
          results.replaceChildren();
          data.results.forEach(function (item) {
            var li = el("li");
            var button = el("button", { type: "button", "class": "picker-choice" });
            button.append(el("strong", {}, "@" + item.key), el("span", {}, " " + item.text));
            button.addEventListener("click", function () { choose(item.key); });
            li.append(button);
            results.append(li);
          });
          if (data.results.length) {
            status.textContent = data.results.length + " found. Choose one to cite it.";
          } else if (query) {
            status.replaceChildren(document.createTextNode("Nothing in the library matches “" + query + "”. "));
            if (self.importUrl) {
              var link = el("a", { href: self.importUrl + "?text=" + encodeURIComponent(query), target: "_blank", rel: "noopener" }, "Import a new reference (opens in a new tab)");
              status.append(link);
            }
          } else {
            status.textContent = "Type to search.";
          }
        })
        .catch(function () { status.textContent = "The library could not be searched just now."; });
    }
    function choose(key) {
      dialog.close();
      t.focus();
      t.setSelectionRange(caret[0], caret[1]);
      // Next to an existing citation, add to it: "[@a]" becomes "[@a; @b]".
      var before = t.value.slice(0, caret[0]);
      if (/\[@[^\]]*\]$/.test(before)) {
        t.setSelectionRange(caret[0] - 1, caret[0] - 1);
        insertText(t, "; @" + key);
        t.setSelectionRange(t.selectionStart + 1, t.selectionStart + 1);
      } else {
        insertText(t, "[@" + key + "]");
      }
      self.announcer.textContent = "Cited @" + key + ". It is attached to the page when you save.";
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 200); });
    input.addEventListener("keydown", function (event) {
      // Escape closes the picker (a search box would only clear itself).
      if (event.key === "Escape") { event.preventDefault(); dialog.close(); return; }
      if (event.key === "ArrowDown") {
        var first = results.querySelector("button");
        if (first) { event.preventDefault(); first.focus(); }
      }
    });
    results.addEventListener("keydown", function (event) {
      var buttons = Array.prototype.slice.call(results.querySelectorAll("button"));
      var index = buttons.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && index < buttons.length - 1) { event.preventDefault(); buttons[index + 1].focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (index > 0 ? buttons[index - 1] : input).focus(); }
    });
    close.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () { dialog.remove(); t.focus(); });
    dialog.showModal();
    input.focus();
    search();
  };

  // The form: autosave, restore, leaving with unsaved changes -------------------------------------

  function formValues(form) {
    var values = {};
    new FormData(form).forEach(function (value, name) {
      if (typeof value !== "string" || name === "csrfmiddlewaretoken") { return; }
      if (name in values) {
        values[name] = [].concat(values[name], value);
      } else {
        values[name] = value;
      }
    });
    return values;
  }

  function setValues(form, values) {
    Object.keys(values).forEach(function (name) {
      var fields = form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
      var wanted = [].concat(values[name]);
      fields.forEach(function (field) {
        if (field.type === "file" || field.type === "hidden") { return; }
        if (field.type === "checkbox" || field.type === "radio") {
          field.checked = wanted.indexOf(field.value) !== -1;
        } else if (field.tagName === "SELECT") {
          Array.prototype.forEach.call(field.options, function (option) {
            option.selected = wanted.indexOf(option.value) !== -1;
          });
        } else {
          field.value = wanted[0];
        }
        field.dispatchEvent(new Event("input", { bubbles: true }));
        field.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
  }

  function Autosave(form, config) {
    this.form = form;
    this.url = config.dataset.autosaveUrl;
    this.timer = null;
    this.saved = JSON.stringify(formValues(form));
    this.submitting = false;
    this.status = el("p", { "class": "autosave-status", id: "autosave-status" });
    var submitRow = form.querySelector(".submit-row");
    if (submitRow) { submitRow.parentNode.insertBefore(this.status, submitRow); } else { form.append(this.status); }
    var self = this;
    form.addEventListener("input", function () { self.schedule(); });
    form.addEventListener("change", function () { self.schedule(); });
    form.addEventListener("submit", function () { self.submitting = true; });
    window.addEventListener("beforeunload", function (event) {
      if (!self.submitting && self.dirty()) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    // Keep a last copy when the tab is hidden or closed.
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && !self.submitting && self.changedSinceAutosave()) {
        self.save(true);
      }
    });
    this.offerRestore();
  }

  Autosave.prototype.dirty = function () { return JSON.stringify(formValues(this.form)) !== this.saved; };
  Autosave.prototype.changedSinceAutosave = function () {
    return JSON.stringify(formValues(this.form)) !== (this.lastAutosaved || this.saved);
  };

  Autosave.prototype.schedule = function () {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () {
      if (!self.submitting && self.changedSinceAutosave()) { self.save(false); }
    }, AUTOSAVE_DELAY);
  };

  Autosave.prototype.save = function (leaving) {
    var self = this;
    var values = formValues(this.form);
    var body = new FormData();
    body.append("data", JSON.stringify(values));
    var stamp = this.form.querySelector("input[name=edit_stamp]");
    body.append("edit_stamp", stamp ? stamp.value : "");
    if (leaving && navigator.sendBeacon) {
      body.append("csrfmiddlewaretoken", csrfToken());
      navigator.sendBeacon(this.url, body);
      this.lastAutosaved = JSON.stringify(values);
      return;
    }
    post(this.url, body).then(function (response) { return response.json(); }).then(function (data) {
      if (data.error) { self.status.textContent = data.error; return; }
      self.lastAutosaved = JSON.stringify(values);
      self.status.textContent = data.stale
        ? "Someone else saved this page after you opened it (" + data.page_saved + "). Your text is kept as an unsaved copy (" + data.saved + "); saving the form will be refused, so compare first."
        : "Unsaved changes kept as a draft copy at " + data.saved + ". Save the page to keep them for good.";
      self.status.classList.toggle("stale", !!data.stale);
    }).catch(function () {
      self.status.textContent = "Could not keep a draft copy just now; it will try again as you type.";
    });
  };

  Autosave.prototype.offerRestore = function () {
    var self = this;
    fetch(this.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !data.autosave) { return; }
        var saved = data.autosave;
        // Nothing to offer when the kept text is what the page already says.
        if (JSON.stringify(saved.data) === self.saved || !saved.diff.length) { return; }
        var box = el("section", { "class": "autosave-offer module", role: "region", "aria-labelledby": "autosave-offer-title" });
        var title = saved.stale
          ? "You have unsaved changes from " + saved.saved + ", but someone saved this page after them (" + saved.page_saved + ")."
          : "Restore your unsaved changes from " + saved.saved + "?";
        box.append(el("h2", { id: "autosave-offer-title" }, title));
        if (saved.stale) {
          box.append(el("p", {}, "Restoring them would overwrite the newer version, so they are not restored. Compare below, copy what you need into the form, then discard the copy."));
        }
        var details = el("details", saved.stale ? { open: "" } : {});
        details.append(el("summary", {}, "What is different"));
        var diff = el("div", { "class": "diff", tabindex: "0", role: "region", "aria-label": "Differences" });
        saved.diff.forEach(function (pair) { diff.append(el("span", { "class": pair[0] }, pair[1])); });
        details.append(diff);
        box.append(details);
        var actions = el("p", { "class": "autosave-actions" });
        if (!saved.stale) {
          var restore = el("button", { type: "button", "class": "button default" }, "Restore them");
          restore.addEventListener("click", function () {
            setValues(self.form, saved.data);
            box.replaceChildren(el("p", { role: "status" }, "Restored your changes from " + saved.saved + ". Save the page to keep them."));
            var first = self.form.querySelector("textarea.markdownx-editor");
            if (first) { first.focus(); }
          });
          actions.append(restore, document.createTextNode(" "));
        }
        var discard = el("button", { type: "button", "class": "button" }, "Discard them");
        discard.addEventListener("click", function () {
          var body = new FormData();
          body.append("discard", "1");
          post(self.url, body).then(function () {
            box.replaceChildren(el("p", { role: "status" }, "Discarded the unsaved changes."));
          });
        });
        actions.append(discard);
        box.append(actions);
        self.form.parentNode.insertBefore(box, self.form);
        (saved.stale ? details.querySelector("summary") : box.querySelector("button")).focus();
      }).catch(function () { /* nothing to offer */ });
  };

  function start() {
    document.querySelectorAll(".markdownx").forEach(function (container) {
      var textarea = container.querySelector("textarea");
      var preview = container.querySelector(".markdownx-preview");
      if (textarea && preview && !container.classList.contains("editor-ready")) {
        new Editor(container, textarea, preview);
      }
    });
    var config = document.getElementById("editor-config");
    var form = config && config.closest("form");
    if (form && config.dataset.autosaveUrl) { new Autosave(form, config); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
