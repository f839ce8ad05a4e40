/* The WeCom simulator's stand-in for WeCom's JS-SDK (jweixin / jwxwork), served at
 * /jssdk/jwxwork.js. It implements what a picker page for an externally sourced
 * Selector uses: wx.config, wx.ready, wx.error, wx.agentConfig and
 * wx.invoke('saveApprovalSelectedItems' | 'getApprovalSelectedItems'). Every call goes
 * to the page that shows this one in an iframe (the simulator's form page, playing the
 * WeCom client) with postMessage; see jssdk.py for the protocol. */
(function () {
  "use strict";
  var pending = {};
  var sequence = 0;
  // This document: WeCom grants agentConfig's permissions to the page that asked, so
  // a picker that navigates (or is navigated elsewhere) must register again.
  var page = Date.now().toString(36) + Math.random().toString(36).slice(2);
  var configured = null;
  var readyCallbacks = [];
  var errorCallbacks = [];

  function pageUrl() {
    return window.location.href.split("#")[0];
  }

  function call(type, args, callback) {
    if (window.parent === window) {
      callback({ errMsg: type + ":fail not in WeCom", err_msg: type + ":fail not in WeCom" });
      return;
    }
    sequence += 1;
    var id = "wecom-sim-" + sequence;
    pending[id] = callback;
    var request = { wecomSim: "request", id: id, page: page, type: type, args: args };
    window.parent.postMessage(request, "*");
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.wecomSim !== "response" || !pending[data.id]) {
      return;
    }
    var callback = pending[data.id];
    delete pending[data.id];
    callback(data.res);
  });

  function signed(config) {
    return {
      corpid: config.corpid || config.appId,
      agentid: config.agentid,
      timestamp: config.timestamp,
      nonceStr: config.nonceStr,
      signature: config.signature,
      jsApiList: config.jsApiList || [],
      url: pageUrl()
    };
  }

  var wx = {
    config: function (config) {
      call("config", signed(config), function (res) {
        configured = res;
        var callbacks = res.ok ? readyCallbacks : errorCallbacks;
        callbacks.forEach(function (callback) {
          callback(res.ok ? undefined : res);
        });
      });
    },
    ready: function (callback) {
      if (configured && configured.ok) {
        callback();
      } else {
        readyCallbacks.push(callback);
      }
    },
    error: function (callback) {
      if (configured && !configured.ok) {
        callback(configured);
      } else {
        errorCallbacks.push(callback);
      }
    },
    agentConfig: function (config) {
      call("agentConfig", signed(config), function (res) {
        var callback = res.ok ? config.success : config.fail;
        if (callback) {
          callback(res);
        }
      });
    },
    invoke: function (name, args, callback) {
      call("invoke", { name: name, args: args || {} }, callback || function () {});
    }
  };
  window.wx = wx;
  window.jWeixin = wx;
})();
