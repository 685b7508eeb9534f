/**
 * replycoach in a help-desk sidebar: a small, dependency-free browser snippet.
 *
 * It sends the agent's draft (and the customer message it answers) to a replycoach service's
 * POST /v1/check, debounced while the agent types, and shows the score, pass/fail and the top
 * findings in an element you give it. Plain browser JavaScript (fetch, AbortController); no build
 * step, no libraries, nothing fetched except the replycoach service itself.
 *
 * Server side (see the README, "The service"):
 *
 *     replycoach serve --host 0.0.0.0 --port 8080 --cors-origin https://yourdesk.zendesk.com
 *
 * The sidebar's origin must be listed with --cors-origin, or the browser refuses the call. If the
 * server has REPLYCOACH_API_KEY set, pass the same key as `apiKey` (sent as the X-API-Key header).
 * A key shipped in browser code can be read by anyone who can open the sidebar: use a key
 * meant for agents only, or put the service behind your own authenticating proxy.
 *
 * Use:
 *
 *     <div id="replycoach"></div>
 *     <script src="helpdesk-sidebar.js"></script>
 *     <script>
 *       const coach = ReplycoachSidebar.create({
 *         url: "https://replycoach.internal.example",   // REPLYCOACH_URL, no trailing /v1
 *         target: document.getElementById("replycoach"),
 *         apiKey: null,                                   // optional
 *         channel: "email",                               // or "chat"
 *       });
 *       // Call update() whenever the draft changes; checks run 300 ms after the last call.
 *       coach.update({ draft: "Dear valued customer, ...", customer: "Where is my refund?!" });
 *     </script>
 *
 * Wiring it to a help desk, for example a Zendesk ticket-sidebar app (ZAF SDK; check the event
 * and property names against your help desk's app documentation):
 *
 *     const client = ZAFClient.init();
 *     const readDraft = () => client.get("comment.text").then((d) => coach.update({ draft: d["comment.text"] }));
 *     client.on("comment.text.changed", readDraft);
 *
 * For Freshdesk (Freshworks app SDK) the idea is the same: read the reply editor's text on its
 * change events and call coach.update({ draft, customer }).
 *
 * API:
 *   ReplycoachSidebar.create(options) -> { update(fields), checkNow(), destroy(), lastReport }
 *   options: url (required), target (required Element), apiKey, channel ("email"), delayMs (300),
 *            maxFindings (3), rules (optional list of rule ids or prefixes to run),
 *            onReport(report) and onError({code, message}) callbacks.
 */
(function (root) {
  "use strict";

  var SEVERITY_ORDER = { error: 0, warning: 1, suggestion: 2 };
  var COLOURS = { jargon: "#7c3aed", readability: "#2563eb", canned: "#b45309", empathy: "#db2777",
                  gratitude: "#059669", tone: "#dc2626", ownership: "#0891b2" };

  function h(tag, style, text) {
    var node = document.createElement(tag);
    if (style) node.setAttribute("style", style);
    if (text !== undefined && text !== null) node.textContent = String(text); // never innerHTML
    return node;
  }

  /** The most useful findings first: errors, then warnings, then suggestions; earlier in the draft first. */
  function topFindings(findings, n) {
    return findings.slice().sort(function (a, b) {
      return (SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]) || (a.start - b.start);
    }).slice(0, n);
  }

  function create(options) {
    if (!options || !options.url || !options.target) throw new Error("ReplycoachSidebar: url and target are required");
    var base = String(options.url).replace(/\/+$/, "");
    var target = options.target;
    var delayMs = options.delayMs === undefined ? 300 : options.delayMs;
    var maxFindings = options.maxFindings || 3;
    var fields = { draft: "", customer: null, channel: options.channel || "email" };
    var timer = null;
    var inflight = null;
    var seq = 0;
    var api = { lastReport: null, update: update, checkNow: checkNow, destroy: destroy };

    // One live region: screen readers hear the new score without the agent leaving the editor.
    var box = h("div", "font:14px/1.45 system-ui,sans-serif;color:#111");
    box.setAttribute("role", "status");
    box.setAttribute("aria-live", "polite");
    target.replaceChildren(box);
    show([h("p", "margin:0;color:#444", "replycoach: waiting for a draft.")]);

    function show(nodes) {
      box.replaceChildren.apply(box, nodes);
    }

    function update(next) {
      next = next || {};
      if (next.draft !== undefined) fields.draft = next.draft || "";
      if (next.customer !== undefined) fields.customer = next.customer || null;
      if (next.channel !== undefined) fields.channel = next.channel || "email";
      clearTimeout(timer);
      timer = setTimeout(checkNow, delayMs);
    }

    function checkNow() {
      clearTimeout(timer);
      if (inflight) inflight.abort(); // only the newest draft matters
      var mine = ++seq;
      if (!fields.draft.trim()) {
        show([h("p", "margin:0;color:#444", "replycoach: waiting for a draft.")]);
        return Promise.resolve(null);
      }
      inflight = typeof AbortController === "function" ? new AbortController() : null;
      var body = { draft: fields.draft, channel: fields.channel };
      if (fields.customer) body.customer = fields.customer;
      if (options.rules) body.rules = options.rules;
      var headers = { "Content-Type": "application/json", "Accept": "application/json" };
      if (options.apiKey) headers["X-API-Key"] = options.apiKey;

      return fetch(base + "/v1/check", {
        method: "POST", headers: headers, body: JSON.stringify(body),
        signal: inflight ? inflight.signal : undefined, credentials: "omit", cache: "no-store",
      }).then(function (res) {
        return res.json().catch(function () { return null; }).then(function (data) {
          if (!res.ok) {
            // Every service error is {code, message}.
            var err = data && data.code ? data : { code: "HTTP" + res.status, message: res.statusText || "request failed" };
            throw err;
          }
          return data;
        });
      }).then(function (report) {
        if (mine !== seq) return null;
        api.lastReport = report;
        render(report);
        if (options.onReport) options.onReport(report);
        return report;
      }).catch(function (err) {
        if ((err && err.name === "AbortError") || mine !== seq) return null;
        var error = err && err.code ? err
          : { code: "network", message: "could not reach replycoach (is it running, and is this origin allowed " +
                                        "with --cors-origin?)" };
        show([h("p", "margin:0;color:#b91c1c", "replycoach: " +
                (String(error.message).indexOf(error.code) === 0 ? error.message : error.code + " " + error.message))]);
        if (options.onError) options.onError(error);
        return null;
      });
    }

    function render(report) {
      var verdict = report.passed ? "PASS" : "FAIL";
      var head = h("p", "margin:0 0 .35rem;font-weight:600");
      head.append(h("span", "font-size:1.4em", String(report.score)), " / 100 ",
                  h("span", "padding:0 .35rem;border:1px solid;border-radius:3px;color:" +
                    (report.passed ? "#166534" : "#b91c1c"), verdict));
      var nodes = [head];

      // Categories below 100, lowest first, as small labelled chips (the colour is never the only cue).
      var weak = Object.keys(report.categories).filter(function (c) { return report.categories[c] < 100; })
        .sort(function (a, b) { return report.categories[a] - report.categories[b]; });
      if (weak.length) {
        var chips = h("p", "margin:0 0 .35rem;display:flex;flex-wrap:wrap;gap:.25rem");
        weak.forEach(function (c) {
          chips.append(h("span", "border:1px solid #ccc;border-left:4px solid " + (COLOURS[c] || "#4b5563") +
                         ";border-radius:3px;padding:0 .3rem", c + " " + report.categories[c]));
        });
        nodes.push(chips);
      }

      var top = topFindings(report.findings, maxFindings);
      if (!top.length) {
        nodes.push(h("p", "margin:0;color:#166534", "Nothing to fix. Good to send."));
      } else {
        var list = h("ol", "margin:0;padding-left:1.2rem");
        top.forEach(function (f) {
          var item = h("li", "margin:.25rem 0");
          item.append(h("b", null, f.category + " (" + f.severity + "): "), f.message);
          if (f.text) item.append(h("div", "color:#444;font-style:italic", "“" + f.text.slice(0, 80) + "”"));
          if (f.suggestions && f.suggestions.length) item.append(h("div", "color:#444", "Try: " + f.suggestions[0]));
          list.append(item);
        });
        nodes.push(list);
        if (report.findings.length > top.length) {
          nodes.push(h("p", "margin:.25rem 0 0;color:#444", "+ " + (report.findings.length - top.length) +
                       " more; open " + base + "/ for the full check."));
        }
      }
      show(nodes);
    }

    function destroy() {
      clearTimeout(timer);
      if (inflight) inflight.abort();
      seq++;
      target.replaceChildren();
    }

    return api;
  }

  root.ReplycoachSidebar = { create: create, topFindings: topFindings };
})(typeof window !== "undefined" ? window : globalThis);
