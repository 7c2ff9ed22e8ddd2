// Every UI string, in one catalogue. English is the reference; French is shipped.
const en = {
  appName: "rollingtext",
  skipToContent: "Skip to content",
  loading: "Loading…",
  signedInAs: "Signed in as {name} ({role})",
  notSignedIn: "You are not signed in. Open the invitation link you received by e-mail to sign in.",
  groupHome: "Working group",
  documents: "Documents",
  meetings: "Meetings and sessions",
  noMeetings: "No meetings yet.",
  noDocuments: "No documents.",
  live: "live",
  scheduled: "scheduled",
  ended: "ended",
  follow: "Follow session",
  open: "Open",
  privateDoc: "private",
  back: "Back to the working group",
  connected: "Connected",
  connecting: "Connecting…",
  reconnecting: "Reconnecting… ({n} unsent changes)",
  offline: "Offline — {n} unsent changes, kept on this device",
  offlineNone: "Offline",
  readOnly: "Read only: you can follow the text but not edit it.",
  presence: "Present now",
  you: "you",
  addParagraph: "Add paragraph",
  newLabel: "Label of the new paragraph in {section}",
  deleteParagraph: "Delete paragraph {label}",
  paragraphText: "Paragraph {label}",
  bracketsHint: "Square brackets mark language not yet agreed.",
  sectionintro: "Introduction",
  sectionmethod: "Meetings and methodology",
  sectionA: "A",
  sectionB: "B",
  sectionC: "C",
  sectionD: "D",
  sectionE: "E",
  sectionconclusion: "Conclusion",
  emptySection: "No paragraphs in this section.",
  transcript: "Transcript",
  transcriptNotice: "Rough transcript, not an authoritative record.",
  searchTranscript: "Search the transcript",
  matches: "{n} matching segments",
  resumeScroll: "Resume auto-scroll",
  autoScrollPaused: "Auto-scroll paused",
  streams: "Stream links",
  noStreams: "No stream links.",
  sessionStatus: "Session status: {status}",
  draft: "Draft",
  language: "Language",
  langfloor: "Floor",
  langen: "English",
  langfr: "French",
  langes: "Spanish",
  langar: "Arabic",
  langzh: "Chinese",
  langru: "Russian",
  error: "Something went wrong: {message}",
  buildMissing: "The web app is not built.",
} as const;

export type Key = keyof typeof en;
type Catalogue = Record<Key, string>;

const fr: Catalogue = {
  appName: "rollingtext",
  skipToContent: "Aller au contenu",
  loading: "Chargement…",
  signedInAs: "Connecté·e en tant que {name} ({role})",
  notSignedIn: "Vous n’êtes pas connecté·e. Ouvrez le lien d’invitation reçu par courriel pour vous connecter.",
  groupHome: "Groupe de travail",
  documents: "Documents",
  meetings: "Réunions et séances",
  noMeetings: "Aucune réunion pour l’instant.",
  noDocuments: "Aucun document.",
  live: "en direct",
  scheduled: "prévue",
  ended: "terminée",
  follow: "Suivre la séance",
  open: "Ouvrir",
  privateDoc: "privé",
  back: "Retour au groupe de travail",
  connected: "Connecté",
  connecting: "Connexion…",
  reconnecting: "Reconnexion… ({n} modifications non envoyées)",
  offline: "Hors ligne — {n} modifications non envoyées, conservées sur cet appareil",
  offlineNone: "Hors ligne",
  readOnly: "Lecture seule : vous pouvez suivre le texte mais pas le modifier.",
  presence: "Présents",
  you: "vous",
  addParagraph: "Ajouter un paragraphe",
  newLabel: "Numéro du nouveau paragraphe dans {section}",
  deleteParagraph: "Supprimer le paragraphe {label}",
  paragraphText: "Paragraphe {label}",
  bracketsHint: "Les crochets signalent un libellé non encore agréé.",
  sectionintro: "Introduction",
  sectionmethod: "Réunions et méthodologie",
  sectionA: "A",
  sectionB: "B",
  sectionC: "C",
  sectionD: "D",
  sectionE: "E",
  sectionconclusion: "Conclusion",
  emptySection: "Aucun paragraphe dans cette section.",
  transcript: "Transcription",
  transcriptNotice: "Transcription brute, qui ne fait pas foi.",
  searchTranscript: "Rechercher dans la transcription",
  matches: "{n} segments correspondants",
  resumeScroll: "Reprendre le défilement automatique",
  autoScrollPaused: "Défilement automatique en pause",
  streams: "Liens de diffusion",
  noStreams: "Aucun lien de diffusion.",
  sessionStatus: "État de la séance : {status}",
  draft: "Projet",
  language: "Langue",
  langfloor: "Parquet",
  langen: "Anglais",
  langfr: "Français",
  langes: "Espagnol",
  langar: "Arabe",
  langzh: "Chinois",
  langru: "Russe",
  error: "Une erreur s’est produite : {message}",
  buildMissing: "L’application web n’est pas construite.",
};

const catalogues: Record<string, Catalogue> = { en, fr };
export const LANGUAGES = Object.keys(catalogues);

function pickLanguage(): string {
  const asked = new URLSearchParams(location.search).get("lang");
  if (asked && asked in catalogues) return asked;
  const stored = localStorage.getItem("rt-lang");
  if (stored && stored in catalogues) return stored;
  const nav = navigator.language.slice(0, 2);
  return nav in catalogues ? nav : "en";
}

export const lang = pickLanguage();
localStorage.setItem("rt-lang", lang);
const current = catalogues[lang] ?? en;

export function t(key: Key, vars: Record<string, string | number> = {}): string {
  return current[key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ""));
}

/** A catalogue key built from data (section, status, language), falling back to the raw value. */
export function tDyn(prefix: string, value: string): string {
  const key = (prefix + value) as Key;
  return key in current ? current[key] : value;
}
