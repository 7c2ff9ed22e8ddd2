// How the comments' errors and times read to people.
import { lang, t } from "../lib/i18n";
import { CommentError } from "./store";

export function errorText(err: unknown): string {
  if (err instanceof CommentError) {
    if (err.code === "offline") return t("commentOffline");
    if (err.code === "timeout") return t("commentTimeout");
    const fields = Object.entries(err.fields).map(([k, v]) => `${k}: ${v}`);
    return t("commentFailed", { message: fields.length ? fields.join("; ") : err.message });
  }
  return t("commentFailed", { message: String(err) });
}

export function when(iso: string): string {
  const d = new Date(iso);
  return isNaN(d.getTime()) ? "" : d.toLocaleString(lang, { dateStyle: "short", timeStyle: "short" });
}
