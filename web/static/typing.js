/* The widget's "typing" dots, shown while the assistant works on a patient's message.
 *
 * rasa-webchat 1.0.1 shows its dots only while it holds a message back on purpose
 * (customMessageDelay); this page holds none back, so answers appear as soon as they
 * arrive and the widget would never show the dots. Here they appear from the moment a
 * patient sends a message (typed or a button) until the assistant's next message is on
 * the page, and go after LIMIT_MS at the latest (a lost connection shows its own notice).
 * The dots reuse the widget's own markup and style, so they look like the widget's.
 */
(function () {
  "use strict";
  var LIMIT_MS = 20000;
  var BOT_MESSAGES = ".rw-from-response .rw-message";
  var dots = null;
  var botMessagesAtSend = 0;
  var limit = null;

  function messagesBox() {
    return document.querySelector(".rw-messages-container");
  }

  function botMessageCount() {
    return document.querySelectorAll(BOT_MESSAGES).length;
  }

  function makeDots() {
    var message = document.createElement("div");
    message.className = "rw-message rw-typing-indication clinic-typing";
    message.setAttribute("role", "status");
    message.setAttribute("aria-label", "The assistant is writing");
    var bubble = document.createElement("div");
    bubble.className = "rw-response";
    var wave = document.createElement("div");
    wave.id = "wave";
    for (var i = 0; i < 3; i += 1) {
      var dot = document.createElement("span");
      dot.className = "rw-dot";
      wave.appendChild(dot);
    }
    bubble.appendChild(wave);
    message.appendChild(bubble);
    return message;
  }

  function hide() {
    if (dots) {
      dots.remove();
      dots = null;
    }
    clearTimeout(limit);
  }

  /* Keep the dots below the newest message (the patient's own message is drawn just
   * after it is sent), or take them away once the assistant has answered. */
  function place() {
    if (!dots) return;
    if (botMessageCount() > botMessagesAtSend) {
      hide();
      return;
    }
    var box = messagesBox();
    if (!box) return;
    if (box.lastElementChild !== dots) {
      box.appendChild(dots);
      box.scrollTop = box.scrollHeight;
    }
  }

  function show() {
    hide();
    botMessagesAtSend = botMessageCount();
    dots = makeDots();
    limit = setTimeout(hide, LIMIT_MS);
    place();
  }

  function isSend(event) {
    var target = event.target;
    if (!(target instanceof Element)) return false;
    if (event.type === "keydown") {
      return (
        event.key === "Enter" &&
        !event.shiftKey &&
        target.matches(".rw-new-message") &&
        target.value.trim() !== ""
      );
    }
    if (target.closest(".rw-reply, .rw-send")) {
      var input = document.querySelector(".rw-new-message");
      return !target.closest(".rw-send") || (input && input.value.trim() !== "");
    }
    return false;
  }

  function onUserAction(event) {
    if (isSend(event)) show();
  }

  // capture: the widget clears the text box in its own handler
  document.addEventListener("keydown", onUserAction, true);
  document.addEventListener("click", onUserAction, true);
  new MutationObserver(place).observe(document.body, {
    childList: true,
    subtree: true,
  });
})();
