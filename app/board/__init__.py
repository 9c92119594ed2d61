"""The public board (公示栏): what was decided and whether it got done. Read-only, no sign-in."""
