// Live connection of one document: y-socket.io provider + IndexedDB persistence,
// with a connection state (connected / reconnecting / offline, N unsent changes).
import { IndexeddbPersistence } from "y-indexeddb";
import { SocketIOProvider } from "y-socket.io";
import * as Y from "yjs";
import { sanitizeRemoteStates } from "./presence";

export type ConnState = "connecting" | "connected" | "reconnecting" | "offline";

export interface Connection {
  doc: Y.Doc;
  provider: SocketIOProvider;
  local: IndexeddbPersistence;
  state(): ConnState;
  unsent(): number;
  onChange(cb: () => void): void;
  whenLoaded: Promise<void>;
  destroy(): void;
}

export function connect(name: string, readOnly: boolean): Connection {
  const doc = new Y.Doc();
  const local = new IndexeddbPersistence("rollingtext:" + name, doc);
  // The HttpOnly rt_session cookie goes with the WebSocket handshake: no token in JS.
  const provider = new SocketIOProvider(location.origin, name, doc, { autoConnect: false, disableBc: true });
  // Before the editor and the presence list listen: they only ever see checked states.
  sanitizeRemoteStates(provider.awareness);
  const unsentKey = "rt-unsent:" + name;
  let unsent = Number(localStorage.getItem(unsentKey) ?? "0") || 0;
  let state: ConnState = navigator.onLine ? "connecting" : "offline";
  let everConnected = false;
  const listeners: (() => void)[] = [];
  const changed = (): void => listeners.forEach((cb) => cb());
  const setUnsent = (n: number): void => {
    unsent = n;
    localStorage.setItem(unsentKey, String(n));
    changed();
  };

  doc.on("update", (_update: Uint8Array, origin: unknown) => {
    if (readOnly || origin === provider || origin === local) return;
    if (state !== "connected") setUnsent(unsent + 1);
  });
  provider.on("status", ({ status }: { status: string }) => {
    if (status === "connected") {
      everConnected = true;
      state = "connected";
    } else if (status === "disconnected") {
      state = navigator.onLine ? "reconnecting" : "offline";
    } else {
      state = everConnected ? "reconnecting" : "connecting";
    }
    changed();
  });
  // synced: the server asked for what it lacks and got it (the unsent changes went up).
  provider.on("synced", (synced: boolean) => {
    if (synced && state === "connected") setUnsent(0);
  });
  provider.socket.on("connect_error", () => {
    state = navigator.onLine ? "reconnecting" : "offline";
    changed();
  });
  const goOffline = (): void => {
    provider.disconnect();
    state = "offline";
    changed();
  };
  const goOnline = (): void => {
    state = "reconnecting";
    changed();
    provider.connect();
  };
  window.addEventListener("offline", goOffline);
  window.addEventListener("online", goOnline);
  const whenLoaded = local.whenSynced.then(() => {
    if (navigator.onLine) provider.connect();
  });

  return {
    doc,
    provider,
    local,
    state: () => state,
    unsent: () => unsent,
    onChange: (cb) => listeners.push(cb),
    whenLoaded,
    destroy() {
      window.removeEventListener("offline", goOffline);
      window.removeEventListener("online", goOnline);
      provider.destroy();
      void local.destroy();
    },
  };
}
