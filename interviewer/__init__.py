"""Interviewer: practitioner-led technical interviews, recorded and transcribed offline."""

import os as _os

# Offline means no network at all. onnxruntime (which runs faster-whisper's Silero VAD) ships with Microsoft's
# 1DS telemetry on: on import it writes a device id and a record of the OS, CPU and Python path under
# ~/.cache/Microsoft/DeveloperTools/.onnxruntime and a few seconds later looks up
# mobile.events.data.microsoft.com. `onnxruntime.disable_telemetry_events()` only mutes later events; this
# variable, read when onnxruntime initialises, stops the uploader, the events and the device id for the whole
# process (onnxruntime's Privacy.md). It is set here, before anything can import onnxruntime, and forced: a
# user's ORT_DISABLE_TELEMETRY=0 does not turn it back on. tests/test_offline.py traces the real program.
_os.environ["ORT_DISABLE_TELEMETRY"] = "1"
# huggingface_hub (used only for an explicit --allow-download) would otherwise report usage with the download.
_os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"

__version__ = "0.1.0"
