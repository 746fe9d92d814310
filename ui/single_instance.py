"""One Pregonero window per data folder: a second launch brings the first window forward.

The first window listens on a local socket (a named pipe on Windows) whose name is
derived from the data folder and the user, so two different ``PREGONERO_HOME``
folders are two separate instances. A later launch connects, sends
:data:`ACTIVATE`, and exits. A socket left behind by a crashed window is removed.
``pregonero run`` (headless) does not take part.

Usage (see :mod:`ui.main`)::

    instance = SingleInstance(paths.home())
    if not instance.claim():
        return 0  # the running window was asked to come forward
    instance.activated.connect(lambda: bring_forward(window))
"""

from __future__ import annotations

import getpass
import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

#: What a second launch sends to the first one.
ACTIVATE = b"activate\n"
CONNECT_TIMEOUT_MS = 500


def server_name(home: Path) -> str:
    """The local socket name for the data folder ``home`` (per user, short, no slashes)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password file
        user = ""
    key = f"{user}\0{Path(home).expanduser().resolve()}".encode()
    return "pregonero-" + hashlib.sha256(key).hexdigest()[:20]


def ask_running_instance(name: str, timeout_ms: int = CONNECT_TIMEOUT_MS) -> bool:
    """Ask the window listening on ``name`` to come forward; False if none answers."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(ACTIVATE)
    socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        socket.waitForDisconnected(timeout_ms)
    return True


class SingleInstance(QObject):
    """The local server of the first window; emits :attr:`activated` on each later launch."""

    activated = Signal()

    def __init__(self, home: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(home)
        self.server: QLocalServer | None = None
        self._sockets: list[QLocalSocket] = []

    def claim(self) -> bool:
        """Become the instance for this data folder; False if another one already is
        (it was asked to bring its window forward)."""
        if ask_running_instance(self.name):
            log.info("another Pregonero window is open for this data folder; activating it")
            return False
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            if server.serverError() == QAbstractSocket.SocketError.AddressInUseError:
                # Left behind by a window that crashed (nobody answered above).
                QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                # Not fatal: the window works, a second launch just opens a second one.
                log.warning("single-instance server not available: %s", server.errorString())
                server.deleteLater()
                return True
        server.newConnection.connect(self._on_connection)
        self.server = server
        return True

    def _on_connection(self) -> None:
        if self.server is None:
            return
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            self._sockets.append(socket)
            socket.readyRead.connect(self._on_ready)
            socket.disconnected.connect(self._on_disconnected)
            if socket.bytesAvailable():
                self._read(socket)

    def _on_ready(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        data = bytes(socket.readAll().data())
        if ACTIVATE.strip() in data:
            self.activated.emit()

    def _on_disconnected(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket) and socket in self._sockets:
            self._sockets.remove(socket)
            socket.readyRead.disconnect(self._on_ready)
            socket.disconnected.disconnect(self._on_disconnected)
            socket.deleteLater()

    def close(self) -> None:
        """Stop listening and drop the connections (at exit)."""
        for socket in self._sockets:
            socket.readyRead.disconnect(self._on_ready)
            socket.disconnected.disconnect(self._on_disconnected)
            socket.abort()
        self._sockets.clear()
        if self.server is not None:
            self.server.newConnection.disconnect(self._on_connection)
            self.server.close()
            self.server.deleteLater()
            self.server = None


def bring_forward(window: QWidget) -> None:
    """Show ``window`` (from the tray, or minimized) and put it in front."""
    state = window.windowState() & ~Qt.WindowState.WindowMinimized
    window.setWindowState(state | Qt.WindowState.WindowActive)
    window.show()
    window.raise_()
    window.activateWindow()
