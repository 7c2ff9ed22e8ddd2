// The export menu: a format and a part of the version chosen on the timeslider (or of
// now), as a download link to GET .../export, and the printable HTML page (a
// self-contained page with a print stylesheet: the browser prints it as a clean PDF),
// a plain link to the same route with disposition=inline, opened in a new tab. The
// route serves that page under its own strict policy (it may style itself, nothing
// else: no script, sandboxed).
import { h } from "../lib/dom";
import { t, tDyn } from "../lib/i18n";
import { FORMATS, type Format, type Part, PARTS } from "./api";
import type { RevContext } from "./context";

export interface ExportMenu {
  el: HTMLElement;
  /** The version the links export (null: now), and its name. */
  setVersion(number: number | null, name: string): void;
}

export function exportMenu(ctx: RevContext): ExportMenu {
  const format = h("select", { id: "rt-export-format" });
  for (const f of FORMATS) format.appendChild(h("option", { value: f }, tDyn("format", f)));
  const part = h("select", { id: "rt-export-part" });
  for (const p of PARTS) part.appendChild(h("option", { value: p }, tDyn("part", p)));
  const download = h("a", { class: "rt-export-download rt-button-link", download: "" }, t("exportDownload"));
  const print = h("a", { class: "rt-export-print rt-button-link", target: "_blank", rel: "noopener" }, t("exportPrint"));
  const heading = h("h3", { id: "rt-export-h" }, t("exportTitle"));
  let version: number | null = null;
  let name = t("nowChoice");
  const update = (): void => {
    const f = format.value as Format;
    const p = part.value as Part;
    const partName = tDyn("part", p);
    download.href = ctx.api.exportUrl(f, p, version);
    download.setAttribute("aria-label", t("exportDownloadLabel", { part: partName, version: name, format: tDyn("format", f) }));
    print.href = ctx.api.exportUrl("html", p, version, true);
    print.setAttribute("aria-label", t("exportPrintLabel", { part: partName, version: name }));
    heading.textContent = t("exportOf", { version: name });
  };
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
