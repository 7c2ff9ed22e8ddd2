// Shared helpers for the Node driver scripts run by tests/integration/test_node_clients.py.
//
// Every script takes one JSON config as argv[2], writes one JSON object per line on
// stdout ({"event": ...}), reads one JSON command per line on stdin, and exits
// non-zero with {"event": "error"} when something fails or a deadline passes.
// Nothing here sleeps to wait for state: waits are driven by Yjs/awareness events.

import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { ObservableV2 } from 'lib0/observable'
import * as syncProtocol from 'y-protocols/sync'
import { WebsocketProvider } from 'y-websocket'
import { SocketIOProvider } from 'y-socket.io'
import WebSocket from 'ws'
import readline from 'node:readline'

export { Y }

export const emit = (event, fields = {}) => {
  process.stdout.write(JSON.stringify({ event, ...fields }) + '\n')
}

export const fail = (err) => {
  emit('error', { message: String((err && err.stack) || err) })
  process.exit(1)
}

/** Run `main(config)` with a hard deadline; exit 0 on success. */
export const run = (main) => {
  const config = JSON.parse(process.argv[2])
  const deadline = setTimeout(
    () => fail(new Error(`node driver deadline of ${config.deadlineMs}ms passed`)),
    config.deadlineMs ?? 60000
  )
  deadline.unref()
  process.on('unhandledRejection', fail)
  main(config).then(() => process.exit(0), fail)
}

// -- stdin commands ------------------------------------------------------------

const pending = []
const waiters = []
const lines = readline.createInterface({ input: process.stdin })
lines.on('line', (line) => {
  if (!line.trim()) return
  const cmd = JSON.parse(line)
  const waiter = waiters.shift()
  if (waiter) waiter(cmd)
  else pending.push(cmd)
})
lines.on('close', () => fail(new Error('stdin closed before the test said goodbye')))

/** The next JSON command from the test, whatever it is. */
export const nextCommand = async () =>
  pending.length > 0 ? pending.shift() : await new Promise((resolve) => waiters.push(resolve))

/** The next JSON command from the test, which must be `{cmd: name}`. */
export const command = async (name) => {
  const cmd = pending.length > 0 ? pending.shift() : await new Promise((resolve) => waiters.push(resolve))
  if (cmd.cmd !== name) throw new Error(`expected command ${name}, got ${JSON.stringify(cmd)}`)
  return cmd
}

// -- waiting on events ---------------------------------------------------------

/**
 * Resolve once `predicate()` holds, re-checking whenever one of `sources`
 * ([emitter, eventName] pairs: Y.Doc 'update', awareness 'change', provider 'sync')
 * fires. Rejects with `what` and `describe()` after `timeoutMs`.
 */
export const until = (sources, predicate, timeoutMs, what, describe = () => '') =>
  new Promise((resolve, reject) => {
    const off = () => {
      clearTimeout(timer)
      for (const [emitter, name] of sources) emitter.off(name, check)
    }
    const check = () => {
      let ok
      try {
        ok = predicate()
      } catch (err) {
        off()
        reject(err)
        return
      }
      if (ok) {
        off()
        resolve()
      }
    }
    const timer = setTimeout(() => {
      off()
      reject(new Error(`timed out after ${timeoutMs}ms waiting for ${what}; ${describe()}`))
    }, timeoutMs)
    for (const [emitter, name] of sources) emitter.on(name, check)
    check()
  })

// -- a small seeded PRNG so runs are reproducible -------------------------------

export const rng = (seed) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Yield to the event loop for a random 0..maxMs (spreads edits out; waits for nothing). */
export const jitter = (random, maxMs) =>
  new Promise((resolve) => setTimeout(resolve, Math.floor(random() * (maxMs + 1))))

// -- clients ---------------------------------------------------------------------

/** Count, in the structs of an update received from the server, those this client made. */
const ownStructs = (doc, update) =>
  Y.decodeUpdate(update).structs.filter((s) => s.id.client === doc.clientID).length

/**
 * A y-websocket WebSocket class that taps every incoming frame: counts y-protocols
 * sync messages by type and the client's own structs coming back (an echo).
 */
const tappedWebSocket = (client) =>
  class TappedWebSocket extends WebSocket {
    constructor (...args) {
      super(...args)
      this.addEventListener('message', (event) => {
        const decoder = decoding.createDecoder(new Uint8Array(event.data))
        const type = decoding.readVarUint(decoder)
        if (type !== 0) return
        const syncType = decoding.readVarUint(decoder)
        const payload = decoding.readVarUint8Array(decoder)
        client.received[['step1', 'step2', 'update'][syncType]] += 1
        if (syncType !== 0) client.echoedStructs += ownStructs(client.doc, payload)
        client.emit('received', [])
      })
    }
  }

/**
 * One npm provider on its own Y.Doc: kind "ws" (y-websocket WebsocketProvider) or
 * "sio" (y-socket.io SocketIOProvider). Broadcast channels are disabled, so clients
 * in this one process can only reach each other through the server.
 */
export class Client extends ObservableV2 {
  constructor ({ kind, name, token, doc: document, port }) {
    super()
    this.kind = kind
    this.name = name
    this.doc = new Y.Doc()
    this.received = { step1: 0, step2: 0, update: 0 }
    this.echoedStructs = 0
    this.localUpdates = 0 // doc updates made here (and sent to the server)
    this.remoteUpdates = 0 // doc updates applied from the server
    this.permissionDenied = []
    this.doc.on('update', (_update, origin) => {
      if (origin === this.provider) this.remoteUpdates += 1
      else this.localUpdates += 1
    })
    if (kind === 'ws') {
      this.provider = new WebsocketProvider(`ws://127.0.0.1:${port}/ws`, document, this.doc, {
        params: { token },
        WebSocketPolyfill: tappedWebSocket(this),
        disableBc: true
      })
      this.provider.messageHandlers[2] = (_encoder, decoder) => {
        // y-protocols auth message: 0 = permission denied, then the reason
        if (decoding.readVarUint(decoder) === 0) {
          this.permissionDenied.push(decoding.readVarString(decoder))
        }
      }
    } else if (kind === 'sio') {
      this.provider = new SocketIOProvider(`http://127.0.0.1:${port}`, document, this.doc, {
        auth: { token },
        disableBc: true
      })
      this.provider.socket.on('sync-update', (update) => {
        this.received.update += 1
        this.echoedStructs += ownStructs(this.doc, new Uint8Array(update))
        this.emit('received', [])
      })
      this.provider.socket.on('sync-step-1', () => {
        this.received.step1 += 1
      })
    } else {
      throw new Error(`unknown client kind ${kind}`)
    }
    this.awareness = this.provider.awareness
    this.awareness.setLocalStateField('user', { name })
  }

  get text () {
    return this.doc.getText('t').toString()
  }

  /** Names in this client's awareness map (its own and everyone it has heard of). */
  get names () {
    return [...this.awareness.getStates().values()]
      .map((state) => state && state.user && state.user.name)
      .filter((name) => typeof name === 'string')
      .sort()
  }

  /** Client id -> clock, from the state vector. */
  get clocks () {
    return Y.decodeStateVector(Y.encodeStateVector(this.doc))
  }

  /** Synced: the server's sync step 1 was answered (sio) or its step 2 applied (ws). */
  whenSynced (timeoutMs) {
    return until([[this.provider, 'sync']], () => this.provider.synced, timeoutMs,
      `${this.name} (${this.kind}) to sync`)
  }

  /**
   * A round trip through the server after everything sent so far: the server
   * handles each connection's messages in order, so when the answer to this sync
   * step 1 arrives, every earlier update of this client has been handled.
   */
  async roundTrip (timeoutMs) {
    if (this.kind === 'ws') {
      const before = this.received.step2
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, 0)
      syncProtocol.writeSyncStep1(encoder, this.doc)
      this.provider.ws.send(encoding.toUint8Array(encoder))
      await until([[this, 'received']], () => this.received.step2 > before, timeoutMs,
        `${this.name}: the answer to a sync step 1`)
    } else {
      const missing = await this.provider.socket.timeout(timeoutMs)
        .emitWithAck('sync-step-1', Y.encodeStateVector(this.doc))
      Y.applyUpdate(this.doc, new Uint8Array(missing), this.provider)
    }
  }

  summary () {
    return {
      name: this.name,
      kind: this.kind,
      clientID: this.doc.clientID,
      text: this.text,
      map: this.doc.getMap('m').toJSON(),
      stateVector: Buffer.from(Y.encodeStateVector(this.doc)).toString('base64'),
      names: this.names,
      received: this.received,
      echoedStructs: this.echoedStructs,
      clocks: Object.fromEntries(this.clocks),
      localUpdates: this.localUpdates,
      remoteUpdates: this.remoteUpdates,
      permissionDenied: this.permissionDenied
    }
  }

  destroy () {
    this.provider.destroy()
    this.doc.destroy()
    super.destroy()
  }
}

export const connectAll = (specs, common) => specs.map((spec) => new Client({ ...common, ...spec }))

/** Resolve once every client's awareness map holds every name in `names`. */
export const untilEveryoneSees = (clients, names, timeoutMs) =>
  until(
    clients.map((c) => [c.awareness, 'change']),
    () => clients.every((c) => names.every((n) => c.names.includes(n))),
    timeoutMs,
    `awareness of ${names.join(', ')}`,
    () => clients.map((c) => `${c.name} sees [${c.names.join(', ')}]`).join('; ')
  )

// -- edits -----------------------------------------------------------------------

const MARKER = /<[^<>]*>/g
const FILLER = 'abcdefghijklmnopqrstuvwxyz '

/**
 * Positions where an insert does not split a marker: everywhere except strictly
 * inside a `<...>` span. Markers are inserted whole (one Yjs item) and never
 * split or deleted, so each one survives concurrent edits intact.
 */
export const safePositions = (text) => {
  const inside = new Set()
  for (const m of text.matchAll(MARKER)) {
    for (let i = m.index + 1; i < m.index + m[0].length; i++) inside.add(i)
  }
  const out = []
  for (let i = 0; i <= text.length; i++) if (!inside.has(i)) out.push(i)
  return out
}

/** Indices of filler characters (outside every marker): the only ones ever deleted. */
export const fillerIndices = (text) => {
  const inMarker = new Set()
  for (const m of text.matchAll(MARKER)) {
    for (let i = m.index; i < m.index + m[0].length; i++) inMarker.add(i)
  }
  const out = []
  for (let i = 0; i < text.length; i++) if (!inMarker.has(i)) out.push(i)
  return out
}

/**
 * `count` random edits on `client`: each step inserts the marker `<name:i>`, then
 * maybe some filler, maybe deletes a run of filler, and sometimes writes the map.
 */
export const randomEdits = async (client, count, random, maxJitterMs) => {
  const ytext = client.doc.getText('t')
  const ymap = client.doc.getMap('m')
  const pick = (arr) => arr[Math.floor(random() * arr.length)]
  for (let i = 0; i < count; i++) {
    ytext.insert(pick(safePositions(ytext.toString())), `<${client.name}:${i}>`)
    if (random() < 0.6) {
      let filler = ''
      const n = 1 + Math.floor(random() * 6)
      for (let k = 0; k < n; k++) filler += pick([...FILLER])
      ytext.insert(pick(safePositions(ytext.toString())), filler)
    }
    if (random() < 0.4) {
      const fillers = fillerIndices(ytext.toString())
      if (fillers.length > 0) {
        // delete a run of consecutive filler characters starting at a random one
        const start = pick(fillers)
        let len = 1
        const max = 1 + Math.floor(random() * 4)
        while (len < max && fillers.includes(start + len)) len++
        ytext.delete(start, len)
      }
    }
    if (random() < 0.3) ymap.set('last', `${client.name}:${i}`)
    ymap.set(client.name, i + 1)
    await jitter(random, maxJitterMs)
  }
}

/** True when `clocks` has at least every clock in `target` (both Map client -> clock). */
export const covers = (clocks, target) => {
  for (const [client, clock] of target) if ((clocks.get(client) ?? 0) < clock) return false
  return true
}

export const mergeClocks = (maps) => {
  const out = new Map()
  for (const m of maps) for (const [client, clock] of m) out.set(client, Math.max(out.get(client) ?? 0, clock))
  return out
}

/** Resolve once every client's state vector covers `target` (client -> clock). */
export const untilCovered = (clients, target, timeoutMs, what) =>
  until(
    clients.map((c) => [c.doc, 'update']),
    () => clients.every((c) => covers(c.clocks, target)),
    timeoutMs,
    what,
    () => clients.map((c) => `${c.name}: ${JSON.stringify([...c.clocks])}`).join('; ') +
      ` target ${JSON.stringify([...target])}`
  )

export const decodeStateVectorB64 = (b64) => Y.decodeStateVector(new Uint8Array(Buffer.from(b64, 'base64')))
