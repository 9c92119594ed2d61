"""Sealed secret ballots (无记名): per-motion keys, private key outside the database.

A secret choice is stored as a libsodium sealed box (PyNaCl's ``SealedBox``) under the public key
of its motion. The private key is a file of the key directory (``LIANXI_BALLOT_KEYS``, default
``instance/ballot-keys/``, mode 0700; each key file mode 0600), made when the vote opens. The
count at close opens the boxes, adds them up per constituency and keeps only the totals; once
that transaction has committed the key file is overwritten and removed, as it is when a vote is
cancelled. From then on the boxes — in the live tables, in SQLite's WAL and free pages, in
PostgreSQL's dead row versions, in dumps and backups — are random bytes to everybody.

What a database copy still shows (README, "Secret ballots"): which seat voted when, and that a
box was written in the same transaction as that seat's "has voted" row. That ordering is not
hidden — nothing can hide it from someone who watches the database being written — and it is
harmless only because a box can be opened with the key alone. Who copies the key file while the
vote is open (the server's operator, or an intruder on the server) can read the boxes and link
each to its seat; that is outside what this protects.

Every box holds the same number of bytes whatever the choice, so its length says nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import current_app, has_app_context
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, SealedBox
from sqlalchemy import event
from sqlalchemy.orm import Session, object_session

from app.models import Motion
from app.models.statuses import Choice, MotionKind, MotionStatus

#: The sealed text is "<constituency id, 12 digits>|<choice, padded to 7>": always 20 bytes.
_WIDTH = max(len(choice.value) for choice in Choice)
PLAIN_LENGTH = 12 + 1 + _WIDTH
#: A sealed box adds an ephemeral public key (32 bytes) and a MAC (16 bytes).
BOX_LENGTH = PLAIN_LENGTH + 48
_PENDING = "lianxi_ballot_keys_to_destroy"


class SealingError(RuntimeError):
    """A secret vote cannot be sealed or counted: its key is missing or a box is not genuine."""


class KeyStore:
    """The private keys of open secret motions, one file each in ``directory``."""

    def __init__(self, directory: str | os.PathLike) -> None:
        """Keep keys in ``directory`` (made with mode 0700 when the first key is written)."""
        self.directory = Path(directory)

    def path(self, motion_id: int) -> Path:
        """The file of a motion's private key."""
        return self.directory / f"motion-{int(motion_id)}.key"

    def create(self, motion_id: int) -> None:
        """Make a fresh key pair for the motion; its private key goes to a new 0600 file."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.directory.chmod(0o700)
        path = self.path(motion_id)
        if path.exists():  # a key left by a transaction that never committed: never reused
            self.destroy(motion_id)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(bytes(PrivateKey.generate()))
            file.flush()
            os.fsync(file.fileno())

    def exists(self, motion_id: int) -> bool:
        """Whether the motion's private key is still on disk."""
        return self.path(motion_id).exists()

    def _private_key(self, motion_id: int) -> PrivateKey:
        try:
            return PrivateKey(self.path(motion_id).read_bytes())
        except (OSError, ValueError) as error:
            raise SealingError(f"the ballot key of motion {motion_id} is missing") from error

    def seal(self, motion_id: int, constituency_id: int, choice: str) -> bytes:
        """A sealed box holding the constituency and the choice, of a fixed length."""
        plain = f"{int(constituency_id):012d}|{Choice(choice).value:<{_WIDTH}}".encode()
        public_key = self._private_key(motion_id).public_key
        return SealedBox(public_key).encrypt(plain)

    def open_all(self, motion_id: int, boxes) -> list[tuple[int, str]]:
        """The (constituency id, choice) of every box; a box that does not open is refused."""
        unsealer = SealedBox(self._private_key(motion_id))
        opened = []
        for box in boxes:
            try:
                plain = unsealer.decrypt(bytes(box)).decode()
                constituency, choice = plain.split("|")
                opened.append((int(constituency), Choice(choice.rstrip()).value))
            except (CryptoError, ValueError) as error:
                raise SealingError(f"a ballot box of motion {motion_id} is not genuine") from error
        return opened

    def destroy(self, motion_id: int) -> bool:
        """Overwrite and remove the motion's private key; False when it was already gone.

        Overwriting first keeps the key out of the file's old blocks on a plain disk; journaling
        file systems and SSDs may still keep copies (docs/security.md).
        """
        path = self.path(motion_id)
        try:
            size = path.stat().st_size
            with path.open("r+b") as file:
                file.write(os.urandom(max(size, 32)))
                file.flush()
                os.fsync(file.fileno())
            path.unlink()
        except FileNotFoundError:
            return False
        return True

    def motion_ids(self) -> set[int]:
        """The motions whose keys are on disk."""
        if not self.directory.is_dir():
            return set()
        return {
            int(path.stem.removeprefix("motion-"))
            for path in self.directory.glob("motion-*.key")
            if path.stem.removeprefix("motion-").isdigit()
        }


def store() -> KeyStore:
    """The key store of the running application (``BALLOT_KEY_DIR``)."""
    return KeyStore(current_app.config["BALLOT_KEY_DIR"])


def destroy_after_commit(session: Session, motion_id: int) -> None:
    """Destroy the motion's key once the session's transaction has committed.

    Not before: a count that failed to commit must still be able to open the boxes again.
    """
    session.info.setdefault(_PENDING, set()).add((store().directory, motion_id))


@event.listens_for(Motion.status, "set")
def _vote_ended(motion: Motion, value, _old, _initiator) -> None:
    """A secret motion that is closed or cancelled loses its key when that change commits."""
    if value in (MotionStatus.CLOSED, MotionStatus.CANCELLED) and motion.kind == MotionKind.SECRET:
        session = object_session(motion)
        if session is not None and has_app_context():
            destroy_after_commit(session, motion.id)


@event.listens_for(Session, "after_commit")
def _destroy_pending(session: Session) -> None:
    for directory, motion_id in session.info.pop(_PENDING, ()):
        KeyStore(directory).destroy(motion_id)


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, previous) -> None:
    if previous.parent is None:  # the whole transaction, not a savepoint, was rolled back
        session.info.pop(_PENDING, None)
