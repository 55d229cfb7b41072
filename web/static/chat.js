/* The clinic's website chat: a small client of Rasa's socket.io channel, built to be
 * used by keyboard and screen reader (WCAG 2.1 AA).
 *
 * The markup lives in the page (web/templates/index.html): a launcher button, a panel
 * with a heading, a close button, the conversation (role="log", aria-live="polite"),
 * a status line for "The assistant is typing", and a labelled message box with a Send
 * button. This script only brings them to life:
 * - Rasa's protocol (rasa/core/channels/socketio.py): `session_request` with the id
 *   the server issued before (kept in sessionStorage, so a reload keeps the
 *   conversation and its history), `session_confirm`, `user_uttered` with `customData`,
 *   `bot_uttered` with text, buttons (`quick_replies`), an image or a custom payload.
 * - Each assistant message is one entry of the log, its buttons (real <button>s in a
 *   group labelled by the message) inside it, so a screen reader reads the text and
 *   then its options, once. A message in another language carries `lang`.
 * - Text is never parsed as HTML: it is set as text, and Markdown links become <a>
 *   elements only for http(s), mailto and tel addresses.
 * - Focus: it stays in the message box after a send; after a button, whose group is then
 *   disabled, it returns to the box; Escape closes the chat and returns to the
 *   launcher.
 */
(function () {
  "use strict";

  var STORE = "clinic-chat";
  var TYPING_LIMIT_MS = 20000;
  var LINK = /\[([^\]\n]+)\]\(((?:https?:\/\/|mailto:|tel:)[^\s)]+)\)/g;

  var root = document.getElementById("clinic-chat");
  if (!root || typeof io !== "function") {
    return;
  }
  var launcher = root.querySelector(".chat-launcher");
  var panel = root.querySelector(".chat-panel");
  var closer = root.querySelector(".chat-close");
  var log = root.querySelector(".chat-log");
  var typing = root.querySelector(".chat-typing");
  var typingText = typing.getAttribute("data-text");
  var dots = typing.querySelector(".chat-dots");
  var notice = root.querySelector(".chat-notice");
  var form = root.querySelector(".chat-form");
  var box = root.querySelector(".chat-input");
  var texts = {
    choices: root.getAttribute("data-choices-label"),
    image: root.getAttribute("data-image-label"),
    offline: root.getAttribute("data-offline"),
  };
  var state = load();
  var socket = null;
  var typingTimer = null;
  var confirmed = false; /* the server confirmed this socket's conversation */
  var pending = []; /* what the patient sent before that: delivered right after */

  function load() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(STORE) || "{}");
      return {
        sessionId: saved.sessionId || null,
        messages: Array.isArray(saved.messages) ? saved.messages : [],
        open: Boolean(saved.open),
      };
    } catch (error) {
      return { sessionId: null, messages: [], open: false };
    }
  }

  function save() {
    try {
      window.sessionStorage.setItem(STORE, JSON.stringify(state));
    } catch (error) {
      /* private mode: the conversation still works, it is not kept on reload */
    }
  }

  /* ------------------------------------------------------------------ rendering */

  function appendText(parent, text) {
    var last = 0;
    var match;
    LINK.lastIndex = 0;
    while ((match = LINK.exec(text)) !== null) {
      appendLines(parent, text.slice(last, match.index));
      var link = document.createElement("a");
      link.href = match[2];
      link.textContent = match[1];
      if (/^https?:/.test(match[2])) {
        link.target = "_blank";
        link.rel = "noopener noreferrer";
      }
      parent.appendChild(link);
      last = LINK.lastIndex;
    }
    appendLines(parent, text.slice(last));
  }

  function appendLines(parent, text) {
    text.split("\n").forEach(function (line, index) {
      if (index > 0) {
        parent.appendChild(document.createElement("br"));
      }
      if (line) {
        parent.appendChild(document.createTextNode(line));
      }
    });
  }

  function render(message) {
    var entry = document.createElement("div");
    entry.className = "chat-msg " + (message.from === "user" ? "user" : "bot");
    if (message.lang) {
      entry.lang = message.lang;
    }
    var who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = message.from === "user" ? root.getAttribute("data-you") + ": "
      : root.getAttribute("data-bot") + ": ";
    entry.appendChild(who);
    var bubble = document.createElement("p");
    bubble.className = "chat-text";
    bubble.id = "chat-m" + log.children.length;
    if (message.text) {
      appendText(bubble, message.text);
    }
    entry.appendChild(bubble);
    if (message.image) {
      var image = document.createElement("img");
      image.src = message.image;
      image.alt = texts.image;
      entry.appendChild(image);
    }
    if (message.buttons && message.buttons.length) {
      var group = document.createElement("div");
      group.className = "chat-choices";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", texts.choices);
      group.setAttribute("aria-describedby", bubble.id);
      message.buttons.forEach(function (choice, index) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = choice.title;
        button.disabled = Boolean(message.used);
        if (message.chosen === index) {
          button.className = "chosen";
        }
        button.addEventListener("click", function () {
          choose(message, index);
        });
        group.appendChild(button);
      });
      entry.appendChild(group);
    }
    log.appendChild(entry);
    log.scrollTop = log.scrollHeight;
    return entry;
  }

  function retireChoices(chosen) {
    var groups = log.querySelectorAll(".chat-choices button:not([disabled])");
    Array.prototype.forEach.call(groups, function (button) {
      button.disabled = true;
    });
    state.messages.forEach(function (message) {
      if (message.buttons && !message.used) {
        message.used = true;
        if (message === chosen.message) {
          message.chosen = chosen.index;
        }
      }
    });
  }

  function add(message) {
    state.messages.push(message);
    save();
    return render(message);
  }

  function showTyping(on) {
    window.clearTimeout(typingTimer);
    if (on) {
      typingTimer = window.setTimeout(function () {
        showTyping(false);
      }, TYPING_LIMIT_MS);
    }
    if (dots.hidden === !on) {
      return; /* no change: nothing for a screen reader to hear again */
    }
    dots.hidden = !on;
    typing.querySelector(".visually-hidden").textContent = on ? typingText : "";
  }

  /* ------------------------------------------------------------------ talking */

  function connect() {
    if (socket) {
      return;
    }
    socket = io(root.getAttribute("data-socket-url"), { path: "/socket.io/" });
    socket.on("connect", function () {
      notice.textContent = "";
      confirmed = false;
      socket.emit("session_request", { session_id: state.sessionId });
    });
    socket.on("session_confirm", function (data) {
      var id = typeof data === "string" ? data : data && data.session_id;
      if (id !== state.sessionId) {
        if (state.sessionId) {
          /* the server did not keep the old conversation: its history goes */
          state.messages = [];
          log.textContent = "";
        }
        state.sessionId = id;
        save();
        pending.unshift("/greet");
      }
      confirmed = true;
      pending.splice(0).forEach(deliver);
    });
    socket.on("bot_uttered", function (data) {
      showTyping(false);
      var buttons = (data.quick_replies || data.buttons || []).map(function (b) {
        return { title: b.title, payload: b.payload };
      });
      var image = data.attachment && data.attachment.type === "image"
        ? data.attachment.payload && data.attachment.payload.src : null;
      if (!data.text && !buttons.length && !image) {
        return;
      }
      add({ from: "bot", text: data.text || "", buttons: buttons, image: image,
            lang: data.lang || null });
    });
    socket.on("disconnect", function () {
      confirmed = false;
      showTyping(false);
      notice.textContent = texts.offline;
    });
  }

  function deliver(text) {
    if (!confirmed) {
      pending.push(text);
      return;
    }
    socket.emit("user_uttered", {
      message: text,
      session_id: state.sessionId,
      customData: { language: document.documentElement.lang || "en" },
    });
  }

  function send(text) {
    retireChoices({});
    add({ from: "user", text: text });
    showTyping(true);
    deliver(text);
  }

  function choose(message, index) {
    var choice = message.buttons[index];
    retireChoices({ message: message, index: index });
    save();
    add({ from: "user", text: choice.title });
    showTyping(true);
    deliver(choice.payload);
    box.focus(); /* the pressed button is now disabled: focus back to the box */
  }

  /* ------------------------------------------------------------------ opening */

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    state.open = true;
    save();
    connect();
    box.focus();
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    save();
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) {
      open();
    } else {
      close();
    }
  });
  closer.addEventListener("click", close);
  root.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) {
      event.preventDefault();
      close();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = box.value.trim();
    if (!text || !socket) {
      return;
    }
    box.value = "";
    send(text);
    box.focus();
  });

  state.messages.forEach(render);
  if (state.open) {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    connect();
  }
})();
