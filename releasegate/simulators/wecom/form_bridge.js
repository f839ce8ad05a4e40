/* The WeCom simulator's form page playing the WeCom client for its pickers: answers the
 * JS-SDK stand-in (jwxwork.js) in each picker iframe, checks wx.config/wx.agentConfig
 * signatures with POST /_sim/jssdk/check, and keeps each control's selection in its
 * hidden `picked:<title>` field for the submit. See jssdk.py for the protocol. */
(function () {
  "use strict";
  var pickers = {};
  document.querySelectorAll("iframe[data-key]").forEach(function (frame) {
    pickers[frame.dataset.key] = {
      key: frame.dataset.key,
      frame: frame,
      selectorType: frame.dataset.selectorType,
      apis: null,
      selected: []
    };
  });

  function pickerOf(source) {
    var keys = Object.keys(pickers);
    for (var i = 0; i < keys.length; i += 1) {
      if (pickers[keys[i]].frame.contentWindow === source) {
        return pickers[keys[i]];
      }
    }
    return null;
  }

  function check(kind, args) {
    var body = Object.assign({ kind: kind }, args);
    return fetch("/_sim/jssdk/check", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json();
    });
  }

  function validItems(data) {
    return Array.isArray(data) && data.every(function (item) {
      return item && typeof item.key === "string" && typeof item.value === "string";
    });
  }

  function save(picker, selectedData) {
    var data = selectedData;
    if (typeof data === "string") {
      try {
        data = JSON.parse(data);
      } catch (error) {
        return "selectedData is not JSON";
      }
    }
    if (!validItems(data)) {
      return "selectedData must be [{key, value}]";
    }
    if (picker.selectorType === "single" ? data.length !== 1 : data.length > 300) {
      return "a single selector takes 1 item, a multi one at most 300";
    }
    picker.selected = data;
    document.getElementById("picked-" + picker.key).value = JSON.stringify(data);
    document.getElementById("shown-" + picker.key).textContent = data.map(function (item) {
      return item.value + " (" + item.key + ")";
    }).join(", ");
    return "";
  }

  function invoke(picker, page, name, args) {
    var problem = "";
    if (!picker.apis || picker.apis.page !== page) {
      problem = "no permission: wx.agentConfig has not succeeded on this page";
    } else if (picker.apis.list.indexOf(name) < 0) {
      problem = "no permission: " + name + " is not in jsApiList";
    } else if (args.key !== picker.key) {
      problem = "invalid key";
    } else if (name === "getApprovalSelectedItems") {
      return { err_msg: name + ":ok", selectedData: JSON.stringify(picker.selected) };
    } else if (name === "saveApprovalSelectedItems") {
      problem = save(picker, args.selectedData);
    } else {
      problem = "not supported by the simulator";
    }
    return { err_msg: name + (problem ? ":fail " + problem : ":ok") };
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    var picker = pickerOf(event.source);
    if (!data || data.wecomSim !== "request" || !picker) {
      return;
    }
    var answer = function (res) {
      event.source.postMessage({ wecomSim: "response", id: data.id, res: res }, "*");
    };
    if (data.type === "config" || data.type === "agentConfig") {
      var kind = data.type === "agentConfig" ? "agent_config" : "config";
      check(kind, data.args).then(function (res) {
        if (kind === "agent_config") {
          picker.apis = res.ok ? { page: data.page, list: data.args.jsApiList || [] } : null;
        }
        answer(res);
      });
    } else if (data.type === "invoke") {
      answer(invoke(picker, data.page, data.args.name, data.args.args || {}));
    }
  });
})();
