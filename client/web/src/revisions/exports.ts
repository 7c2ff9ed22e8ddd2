// The export menu: a format and a part of the version chosen on the timeslider (or of
// now), as a download link to GET .../export, and the printable HTML page (a
// self-contained page with a print stylesheet: the browser prints it as a clean PDF).
// The route answers every format as an attachment, so the printable page is read and
// opened in a new tab from memory (a blob); without script, or when the tab cannot be
// opened, the same link simply downloads the page.
import { h } from "../lib/dom";
import { t, tDyn } from "../lib/i18n";
import { FORMATS, type Format, type Part, PARTS } from "./api";
import type { RevContext } from "./context";

const EXPORT_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

export interface ExportMenu {
  el: HTMLElement;
  /** The version the links export (null: now), and its name. */
  setVersion(number: number | null, name: string): void;
}

/** The page under the policy the route gives it (it may style itself, nothing else):
 * from a blob it would otherwise run under the app's own, wider policy. */
function confined(html: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${EXPORT_POLICY}">`;
  return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (tag) => tag + meta) : meta + html;
}

export function exportMenu(ctx: RevContext): ExportMenu {
  const format = h("select", { id: "rt-export-format" });
  for (const f of FORMATS) format.appendChild(h("option", { value: f }, tDyn("format", f)));
  const part = h("select", { id: "rt-export-part" });
  for (const p of PARTS) part.appendChild(h("option", { value: p }, tDyn("part", p)));
  const download = h("a", { class: "rt-export-download rt-button-link", download: "" }, t("exportDownload"));
  const print = h("a", { class: "rt-export-print rt-button-link", target: "_blank" }, t("exportPrint"));
  const heading = h("h3", { id: "rt-export-h" }, t("exportTitle"));
  let version: number | null = null;
  let name = t("nowChoice");
  const update = (): void => {
    const f = format.value as Format;
    const p = part.value as Part;
    const partName = tDyn("part", p);
    download.href = ctx.api.exportUrl(f, p, version);
    download.setAttribute("aria-label", t("exportDownloadLabel", { part: partName, version: name, format: tDyn("format", f) }));
    print.href = ctx.api.exportUrl("html", p, version);
    print.setAttribute("aria-label", t("exportPrintLabel", { part: partName, version: name }));
    heading.textContent = t("exportOf", { version: name });
  };
  print.addEventListener("click", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
    ev.preventDefault();
    const tab = window.open("", "_blank");
    if (!tab) {
      window.location.assign(print.href);
      return;
    }
    void fetch(print.href, { credentials: "same-origin" })
      .then(async (resp) => {
        if (!resp.ok) throw new Error(resp.statusText);
        const page = new Blob([confined(await resp.text())], { type: "text/html" });
        const url = URL.createObjectURL(page);
        tab.location.replace(url);
        setTimeout(() => URL.revokeObjectURL(url), 60000);
      })
      .catch((err: unknown) => {
        tab.close();
        ctx.gov.toasts.error(t("commandFailed", { message: String(err) }));
      });
  });
  format.addEventListener("change", update);
  part.addEventListener("change", update);
  update();
  const el = h(
    "div",
    { class: "rt-export", role: "group", "aria-labelledby": heading.id },
    heading,
    h("div", { class: "rt-export-row" }, h("div", { class: "rt-field" }, h("label", { for: format.id }, t("exportFormat")), format), h("div", { class: "rt-field" }, h("label", { for: part.id }, t("exportPart")), part)),
    h("div", { class: "rt-buttons" }, download, print),
  );
  return {
    el,
    setVersion(n, label) {
      version = n;
      name = label;
      update();
    },
  };
}
