"""Feishu's AES scheme, written here from the reference (section A1, A3, E2) rather than
taken from ReleaseGate's Feishu integration, so the simulator checks that integration
instead of agreeing with it: AES-256-CBC with key sha256(key), a random 16-byte IV
before the ciphertext, PKCS#7, base64. The same scheme seals event pushes (Encrypt Key)
and external-options answers (the widget's Key). Event pushes are signed with
`X-Lark-Signature = sha256_hex((timestamp + nonce + encrypt_key).encode() + raw_body)`."""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 16


def _cipher(key: str, iv: bytes) -> Cipher[modes.CBC]:
    return Cipher(algorithms.AES(hashlib.sha256(key.encode()).digest()), modes.CBC(iv))


def encrypt(key: str, plaintext: str, iv: bytes | None = None) -> str:
    """base64(IV ‖ AES-256-CBC(sha256(key), IV, PKCS7(plaintext))); a random IV unless
    given (the tests pass E2's)."""
    iv = os.urandom(BLOCK) if iv is None else iv
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext.encode()) + padder.finalize()
    encryptor = _cipher(key, iv).encryptor()
    return base64.b64encode(iv + encryptor.update(padded) + encryptor.finalize()).decode()


def decrypt(key: str, sealed: str) -> str:
    """The plaintext of `encrypt`'s output; raises ValueError when it does not decrypt."""
    raw = base64.b64decode(sealed)
    if len(raw) < 2 * BLOCK or len(raw) % BLOCK:
        raise ValueError("not an AES-CBC message")
    decryptor = _cipher(key, raw[:BLOCK]).decryptor()
    padded = decryptor.update(raw[BLOCK:]) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return (unpadder.update(padded) + unpadder.finalize()).decode()


def signature(timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    """`X-Lark-Signature` of a push (lark-oapi's dispatcher checks the same formula)."""
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode() + body).hexdigest()
