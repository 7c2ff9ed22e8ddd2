// Stock npm clients against the rolling text's guard (server/rooms/guard.py): they
// tamper with governed roots, edit locked paragraphs, go offline and come back; the
// test says what every replica must converge to.
//
// config: {port, doc, clients: [{kind, name, token}], stepTimeoutMs, deadlineMs}
// stdout: ready, then one answer per command; stdin commands:
//   {cmd: "tamper", client}                 write every key of every governed entry,
//                                           delete index entries, add new ones -> tampered
//   {cmd: "edit", client, paragraph, at, insert, remove} insert `insert` at `at` after
//                                           removing `remove` characters there -> edited
//   {cmd: "offline", client} / {cmd: "online", client}  disconnect / reconnect -> offline / online
//   {cmd: "until", clients, state}          wait until each client's state (see below)
//                                           equals `state` -> reached {states}
//   {cmd: "errors", client, code?}          the Socket.IO `error` events so far, once one
//                                           has `code` -> errors
//   {cmd: "shown", client, paragraph}      every text the replica ever showed for it -> shown
//   {cmd: "bye"}
// A client's state: {meta, index, opinions, texts: {paragraph id: text}} (the texts of
// every paragraph in the index).

import { run, emit, nextCommand, connectAll, until, Y } from './lib.mjs'

const GOVERNED = ['meta', 'index', 'opinions']

const canonical = (value) => {
  if (Array.isArray(value)) return value.map(canonical)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])]))
  }
  return value
}

const stateOf = (client) => {
  const doc = client.doc
  const index = doc.getMap('index').toJSON()
  const texts = {}
  for (const pid of Object.keys(index)) texts[pid] = doc.getText(`p:${pid}`).toString()
  return {
    meta: doc.getMap('meta').toJSON(),
    index,
    opinions: doc.getMap('opinions').toJSON(),
    texts
  }
}

const tamper = (client) => {
  const doc = client.doc
  doc.transact(() => {
    for (const root of GOVERNED) {
      const map = doc.getMap(root)
      for (const [key, value] of [...map.entries()]) {
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          const junk = {}
          for (const field of Object.keys(value)) {
            const old = value[field]
            junk[field] = Array.isArray(old) ? ['Sweden'] : typeof old === 'string' ? 'statement' : 42
          }
          junk.status = 'agreed'
          map.set(key, junk)
        } else {
          map.set(key, typeof value === 'string' ? `${value} (hijacked)` : 7)
        }
      }
      map.set('injected', { order: '0', label: 'X1', section: 'A', status: 'agreed' })
    }
    const index = doc.getMap('index')
    const keys = [...index.keys()].filter((k) => k !== 'injected')
    for (const key of keys.slice(0, Math.ceil(keys.length / 2))) index.delete(key)
    // A shared type where plain data belongs, and a model-v1 paragraph.
    const nested = new Y.Map()
    index.set(keys[keys.length - 1], nested)
    nested.set('label', 'nested')
    const v1 = new Y.Map()
    doc.getArray('paragraphs').push([v1])
    v1.set('label', 'OPv1')
  })
}

const edit = (client, { paragraph, at, insert, remove }) => {
  const text = client.doc.getText(`p:${paragraph}`)
  client.doc.transact(() => {
    if (remove) text.delete(at, remove)
    if (insert) text.insert(at, insert)
  })
}

run(async (config) => {
  const step = config.stepTimeoutMs
  const clients = connectAll(config.clients, { port: config.port, doc: config.doc })
  const byName = Object.fromEntries(clients.map((c) => [c.name, c]))
  const errors = Object.fromEntries(clients.map((c) => [c.name, []]))
  // Every text each replica ever showed, per paragraph (a revert must arrive in the
  // same frame as what it reverts: other replicas never show the refused text).
  const shown = Object.fromEntries(clients.map((c) => [c.name, {}]))
  for (const c of clients) {
    if (c.kind === 'sio') c.provider.socket.on('error', (e) => errors[c.name].push(e))
    c.doc.on('afterTransaction', () => {
      for (const pid of c.doc.getMap('index').keys()) {
        const seen = (shown[c.name][pid] ??= [])
        const text = c.doc.getText(`p:${pid}`).toString()
        if (!seen.includes(text)) seen.push(text)
      }
    })
  }
  await Promise.all(clients.map((c) => c.whenSynced(step)))
  emit('ready', { states: Object.fromEntries(clients.map((c) => [c.name, stateOf(c)])) })

  for (;;) {
    const cmd = await nextCommand()
    if (cmd.cmd === 'bye') break
    const client = byName[cmd.client]
    if (cmd.cmd === 'tamper') {
      tamper(client)
      emit('tampered', { state: stateOf(client) })
    } else if (cmd.cmd === 'edit') {
      edit(client, cmd)
      emit('edited', { text: client.doc.getText(`p:${cmd.paragraph}`).toString() })
    } else if (cmd.cmd === 'offline') {
      client.provider.disconnect()
      emit('offline')
    } else if (cmd.cmd === 'online') {
      client.provider.connect()
      await client.whenSynced(step)
      emit('online')
    } else if (cmd.cmd === 'shown') {
      emit('shown', { texts: shown[cmd.client][cmd.paragraph] ?? [] })
    } else if (cmd.cmd === 'errors') {
      const has = () => !cmd.code || errors[cmd.client].some((e) => e && e.code === cmd.code)
      await until([[client.provider.socket, 'error']], has, step,
        `${cmd.client} to get an error event ${cmd.code}`,
        () => JSON.stringify(errors[cmd.client]))
      emit('errors', { errors: errors[cmd.client] })
    } else if (cmd.cmd === 'until') {
      const targets = cmd.clients.map((n) => byName[n])
      const want = JSON.stringify(canonical(cmd.state))
      await until(
        targets.map((c) => [c.doc, 'update']),
        () => targets.every((c) => JSON.stringify(canonical(stateOf(c))) === want),
        step,
        `${cmd.clients.join(', ')} to reach the expected state`,
        () => `want ${want}; have ` +
          targets.map((c) => `${c.name}: ${JSON.stringify(canonical(stateOf(c)))}`).join('; ')
      )
      emit('reached', { states: Object.fromEntries(targets.map((c) => [c.name, stateOf(c)])) })
    } else {
      throw new Error(`unknown command ${JSON.stringify(cmd)}`)
    }
  }
  clients.forEach((c) => c.destroy())
})
