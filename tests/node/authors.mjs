// Authorship: one npm client (y-websocket or y-socket.io) of a delegate types into a
// shared text after the words it waits for; the test then asks the server who typed
// each character.
//
// config: {port, doc, kind, name, token, root, stepTimeoutMs, deadlineMs}
// stdout: ready {clientID} -> typed {clientID, text}
// stdin: type {after, text} (wait until the text reads `after`, then append `text`), bye

import { run, emit, command, Client, until } from './lib.mjs'

run(async (config) => {
  const step = config.stepTimeoutMs
  const client = new Client({ ...config, doc: config.doc })
  const text = client.doc.getText(config.root)
  await client.whenSynced(step)
  emit('ready', { clientID: client.doc.clientID })

  const order = await command('type')
  await until([[client.doc, 'update']], () => text.toString() === order.after, step,
    `the text to read ${JSON.stringify(order.after)}`, () => JSON.stringify(text.toString()))
  text.insert(text.length, order.text)
  // Once the answer to this round trip arrives, the server has applied (and queued
  // for storage) everything typed above.
  await client.roundTrip(step)
  emit('typed', { clientID: client.doc.clientID, text: text.toString() })

  await command('bye')
  client.destroy()
})
