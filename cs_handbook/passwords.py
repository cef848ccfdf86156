"""Password hashing with argon2id (memory ≥ 19 MiB, time ≥ 2, as OWASP advises)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

# Compared against when the username is unknown, so that a wrong username
# costs as much time as a wrong password and does not reveal which it was.
_DUMMY_HASH = HASHER.hash("not a real password")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return HASHER.check_needs_rehash(password_hash)
