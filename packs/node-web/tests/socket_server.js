// socket.io: connection handlers hold the socket.
const { Server } = require('socket.io');

const io = new Server(3001);

// ppa-context: streaming websocket=true framework=socket.io
io.on('connection', (socket) => {
  // ppa-context: streaming websocket=true
  socket.on('subscribe', (room) => {
    socket.join(room);
  });
});

const emitter = { on() {} };
// ppa-context: library                          near miss: not a connection handler
emitter.on('ready', () => null);
