// capquest classroom page: runs before textual-serve's terminal script (textual.js) and
//  - gives it the websocket address: the server's --public-url when set, else this page's own address,
//    so the page works however the students reach the server;
//  - tells "the class is full" (the server closes the websocket with that code) from a session's end;
//  - wires the page's buttons (no inline handlers: the page's Content-Security-Policy forbids them).
"use strict";
(function () {
  var NativeWebSocket = window.WebSocket;

  function fullCode() {
    return parseInt((document.body && document.body.dataset.fullCloseCode) || "4503", 10);
  }

  function ClassroomWebSocket(url, protocols) {
    var socket = protocols === undefined ? new NativeWebSocket(url) : new NativeWebSocket(url, protocols);
    socket.addEventListener("close", function (event) {
      if (event.code === fullCode()) {
        document.body.classList.add("-full");
      }
    });
    return socket;
  }
  ClassroomWebSocket.prototype = NativeWebSocket.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (name) {
    ClassroomWebSocket[name] = NativeWebSocket[name];
  });
  window.WebSocket = ClassroomWebSocket;

  function restart() {
    // The same page again, without textual-serve's delay and ping options.
    window.location.href = window.location.pathname;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var url = document.body.dataset.websocketUrl;
    if (!url) {
      var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
      url = scheme + "//" + window.location.host + "/ws";
    }
    document.querySelectorAll(".textual-terminal").forEach(function (terminal) {
      terminal.dataset.sessionWebsocketUrl = url;
    });
    document.querySelectorAll("button.restart").forEach(function (button) {
      button.addEventListener("click", restart);
    });
  });
})();
