"""Audio sources, the crash-safe recorder, decoding and transcription. Never imports Qt or the store."""
