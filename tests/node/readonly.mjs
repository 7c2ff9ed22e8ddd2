// Read-only Node clients: followers on both transports edit their local doc while
// members (here and the test's Python client) keep editing. The followers' edits
// must never leave the server; the members' edits must reach the followers live.
//
// config: {port, doc, members: [{kind, name, token}], followers: [...], edits, seed,
//          maxJitterMs, stepTimeoutMs, deadlineMs}
// stdout: ready -> edited -> settled {members: [summary], followers: [summary]}
// stdin: go, settle {stateVector}, bye

import {
  run, emit, command, connectAll, randomEdits, rng, untilCovered, mergeClocks,
  decodeStateVectorB64
} from './lib.mjs'

run(async (config) => {
  const step = config.stepTimeoutMs
  const common = { port: config.port, doc: config.doc }
  const members = connectAll(config.members, common)
  const followers = connectAll(config.followers, common)
  const everyone = [...members, ...followers]
  await Promise.all(everyone.map((c) => c.whenSynced(step)))
  emit('ready', { followerIDs: followers.map((c) => c.doc.clientID) })

  await command('go')
  await Promise.all(everyone.map((c, i) =>
    randomEdits(c, config.edits, rng(config.seed * 1000 + i), config.maxJitterMs)))
  // Once these round trips return, the server has handled (dropped) every follower edit.
  await Promise.all(everyone.map((c) => c.roundTrip(step)))
  emit('edited')

  // Members' and the Python client's final clocks: everyone must reach them.
  const settle = await command('settle')
  const target = mergeClocks([decodeStateVectorB64(settle.stateVector), ...members.map((c) => c.clocks)])
  await untilCovered(everyone, target, step, 'every client to hold every member\'s edits')
  emit('settled', {
    members: members.map((c) => c.summary()),
    followers: followers.map((c) => c.summary())
  })

  await command('bye')
  everyone.forEach((c) => c.destroy())
})
