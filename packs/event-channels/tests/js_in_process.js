// No Redis or PostgreSQL client here: an in-process bus and RxJS subjects publish and subscribe
// too, and must stay quiet.
const { Subject } = require("rxjs");
const { EventEmitter } = require("events");
const { EventBus } = require("./bus");

const bus = new EventBus();
const emitter = new EventEmitter();
const ticks = new Subject();

// ppa-ok: transaction.event_channel_consistency
bus.publish("orders:paid:local", { id: 1 });
// ppa-ok: transaction.event_channel_consistency
bus.subscribe("orders:paid:local", () => {});
// ppa-ok: transaction.event_channel_consistency
ticks.subscribe((t) => emitter.emit("tick", t));
// ppa-ok: transaction.event_channel_consistency
ticks.subscribe({ next: (t) => console.log(t) });
