/// The console's only assets, served by Roster itself (`/static/…`): no CDN, no build step. The
/// pages work without the script; it only adds "select all" and a count of selected rows.
enum Assets {
    static let stylesheetPath = "/static/console.css"
    static let scriptPath = "/static/console.js"

    static let stylesheet = """
        :root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #ffffff; --soft: #f6f8fa; --accent: #0550ae;
                --bad: #a40e26; --warn: #7d4e00; --good: #116329; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "Liberation Sans", sans-serif; color: var(--fg); background: var(--bg); }
        a { color: var(--accent); }
        a:focus, button:focus, input:focus, select:focus, textarea:focus, summary:focus { outline: 3px solid #f4a100; outline-offset: 2px; }
        .skip { position: absolute; left: -9999px; top: 0; }
        .skip:focus { left: 8px; top: 8px; background: #fff; padding: 6px 10px; z-index: 10; }
        header.top { display: flex; gap: 24px; align-items: center; padding: 10px 20px; background: #24292f; color: #fff; flex-wrap: wrap; }
        header.top a { color: #fff; text-decoration: none; padding: 4px 6px; border-radius: 4px; }
        header.top a[aria-current="page"] { background: #57606a; }
        header.top .brand { font-weight: 700; }
        header.top .who { margin-left: auto; font-size: 13px; color: #d0d7de; }
        main { padding: 16px 20px 40px; max-width: 1400px; }
        h1 { font-size: 22px; margin: 8px 0 12px; }
        h2 { font-size: 17px; margin: 24px 0 8px; }
        table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 14px; }
        th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { background: var(--soft); font-weight: 600; }
        table.narrow { width: auto; min-width: 320px; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        .muted { color: var(--muted); }
        .badge { display: inline-block; padding: 0 6px; border-radius: 10px; border: 1px solid var(--line); font-size: 12px; }
        .s-dead, .s-failed, .s-open, .s-refused, .s-rejected { color: var(--bad); border-color: var(--bad); }
        .s-retrying, .s-held, .s-half_open, .s-access_found, .s-residual { color: var(--warn); border-color: var(--warn); }
        .s-succeeded, .s-closed, .s-absent, .s-replayed, .s-cancelled_ok, .s-job_created { color: var(--good); border-color: var(--good); }
        .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px; margin: 8px 0 16px; }
        .card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; background: var(--soft); }
        .card .value { font-size: 22px; font-weight: 700; }
        .card.alert { border-color: var(--bad); background: #fff5f5; }
        .card a { text-decoration: none; }
        form.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; padding: 10px; background: var(--soft); border: 1px solid var(--line); border-radius: 6px; }
        form.filters label { display: flex; flex-direction: column; font-size: 13px; }
        input, select, textarea, button { font: inherit; padding: 4px 6px; }
        button { cursor: pointer; border: 1px solid #8c959f; border-radius: 5px; background: #f6f8fa; padding: 5px 12px; }
        button.primary { background: #1f6feb; color: #fff; border-color: #1f6feb; }
        button.danger { background: #cf222e; color: #fff; border-color: #cf222e; }
        .actions { display: flex; gap: 10px; align-items: center; margin: 8px 0; flex-wrap: wrap; }
        .notice { padding: 10px 12px; border-radius: 6px; border: 1px solid var(--line); background: var(--soft); margin: 10px 0; }
        .notice.error { border-color: var(--bad); background: #fff5f5; }
        .notice.ok { border-color: var(--good); background: #f0fff4; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 6px 0 12px; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; }
        textarea { width: min(640px, 100%); }
        svg.histogram text { font-size: 11px; fill: var(--muted); }
        svg.histogram rect.bar { fill: #1f6feb; }
        .pager { display: flex; gap: 16px; margin: 8px 0; }
        code { font-size: 13px; background: var(--soft); padding: 0 3px; border-radius: 3px; }
        """

    static let script = """
        // Enhancement only: every page works without it.
        (function () {
          "use strict";
          function update(form) {
            var boxes = form.querySelectorAll("input[type=checkbox][name=id]");
            var checked = 0;
            boxes.forEach(function (b) { if (b.checked) { checked += 1; } });
            var out = form.querySelector("[data-selected-count]");
            if (out) { out.textContent = checked + " selected"; }
          }
          document.querySelectorAll("form[data-selection]").forEach(function (form) {
            var all = form.querySelector("input[data-select-all]");
            if (all) {
              all.hidden = false;
              all.addEventListener("change", function () {
                form.querySelectorAll("input[type=checkbox][name=id]").forEach(function (b) { b.checked = all.checked; });
                update(form);
              });
            }
            form.addEventListener("change", function () { update(form); });
            update(form);
          });
        })();
        """
}

extension Assets {
    static let favicon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#24292f"/>\
        <path d="M4 12V4h4.5a2.5 2.5 0 0 1 0 5H4m4.5 0L12 12" stroke="#fff" stroke-width="1.6" fill="none"/></svg>
        """
}
