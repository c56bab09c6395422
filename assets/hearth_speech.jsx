// Speech in the browser. Dictation: the microphone is recorded as 16 kHz mono WAV (a
// ScriptProcessor: no worklet module for the page's policy to allow), which stops by itself
// after a pause that follows speech, or at the limit, and goes to the server as base64; the
// text comes back into the composer for review. Read aloud: the browser's own voice, one
// reply at a time (starting another stops the first).
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { LoaderCircle, Mic, Square, Volume2, VolumeX } from "lucide-react";

const SPEECH_RATE = 16000;
// A frame this loud (RMS) is speech; this long quiet after speech ends the dictation.
const LOUD_RMS = 0.02;
const PAUSE_MS = 1200;

const noSubscribe = () => () => {};
const useIsClient = () => useSyncExternalStore(noSubscribe, () => true, () => false);

// Low-passed below 8 kHz (a windowed-sinc filter: nothing above may fold into speech), then
// taken at 16 kHz, as 16-bit PCM.
const TAPS = 63;
function lowPass(fromRate) {
  const cutoff = 7000 / fromRate;
  const taps = new Float32Array(TAPS);
  let sum = 0;
  for (let i = 0; i < TAPS; i++) {
    const n = i - (TAPS - 1) / 2;
    const sinc = n === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * n) / (Math.PI * n);
    taps[i] = sinc * (0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (TAPS - 1)));
    sum += taps[i];
  }
  return taps.map((tap) => tap / sum);
}

function toSpeechRate(chunks, fromRate, maxSamples) {
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const input = new Float32Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    input.set(chunk, offset);
    offset += chunk.length;
  }
  const step = fromRate / SPEECH_RATE;
  const taps = step > 1 ? lowPass(fromRate) : new Float32Array([1]);
  const half = (taps.length - 1) / 2;
  const count = Math.min(Math.floor(total / step), maxSamples);
  const output = new Int16Array(count);
  for (let i = 0; i < count; i++) {
    const centre = Math.round(i * step);
    let value = 0;
    for (let k = 0; k < taps.length; k++) {
      const j = centre + k - half;
      if (j >= 0 && j < total) value += input[j] * taps[k];
    }
    const sample = Math.max(-1, Math.min(1, value));
    output[i] = sample < 0 ? sample * 0x8000 : sample * 0x7fff;
  }
  return output;
}

function wavBase64(samples) {
  const buffer = new ArrayBuffer(44 + samples.length * 2);
  const view = new DataView(buffer);
  const text = (at, value) => [...value].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  text(0, "RIFF");
  view.setUint32(4, 36 + samples.length * 2, true);
  text(8, "WAVE");
  text(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, SPEECH_RATE, true);
  view.setUint32(28, SPEECH_RATE * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, "data");
  view.setUint32(40, samples.length * 2, true);
  new Int16Array(buffer, 44).set(samples);
  const bytes = new Uint8Array(buffer);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function microphoneProblem(error) {
  if (error?.name === "NotAllowedError") {
    return "The microphone is blocked for this page: allow it in the browser's site settings, or type the message.";
  }
  return `No microphone could be opened (${error?.name ?? error}); type the message instead.`;
}

async function record(maxSeconds, { onEnd }) {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
  // At the device's own rate: Chromium's own 16 kHz context garbles speech (measured with
  // its fake microphone), and Firefox refuses one; the page filters it down itself.
  const context = new AudioContext();
  const source = context.createMediaStreamSource(stream);
  await context.resume();
  const node = context.createScriptProcessor(4096, 1, 1);
  const chunks = [];
  const started = performance.now();
  let heard = false;
  let quietSince = null;
  let ended = false;
  const stop = (send) => {
    if (ended) return;
    ended = true;
    node.onaudioprocess = null;
    node.disconnect();
    source.disconnect();
    stream.getTracks().forEach((track) => track.stop());
    context.close();
    onEnd(send ? { heard, chunks, rate: context.sampleRate } : null);
  };
  node.onaudioprocess = (event) => {
    const data = event.inputBuffer.getChannelData(0);
    chunks.push(new Float32Array(data));
    let sum = 0;
    for (let i = 0; i < data.length; i++) sum += data[i] * data[i];
    const now = performance.now();
    if (Math.sqrt(sum / data.length) > LOUD_RMS) {
      heard = true;
      quietSince = null;
    } else if (heard && quietSince === null) {
      quietSince = now;
    }
    if ((quietSince !== null && now - quietSince > PAUSE_MS) || now - started > maxSeconds * 1000) {
      stop(true);
    }
  };
  source.connect(node);
  node.connect(context.destination);
  return stop;
}

export function DictateButton({ maxSeconds, busy, onRecorded, onProblem, ...rest }) {
  const isClient = useIsClient();
  const [state, setState] = useState("idle"); // idle | starting | recording
  const stopRef = useRef(null);
  useEffect(() => () => stopRef.current?.(false), []);
  if (!isClient || !navigator.mediaDevices?.getUserMedia || !window.AudioContext) return null;

  const finish = (taken) => {
    stopRef.current = null;
    setState("idle");
    if (taken === null) return;
    if (!taken.heard) {
      onProblem("Nothing was heard; press the microphone, then speak.");
      return;
    }
    onRecorded(wavBase64(toSpeechRate(taken.chunks, taken.rate, (maxSeconds - 0.1) * SPEECH_RATE)));
  };
  const toggle = async () => {
    if (state === "recording") {
      stopRef.current?.(true);
      return;
    }
    if (state !== "idle" || busy) return;
    setState("starting");
    try {
      stopRef.current = await record(maxSeconds, { onEnd: finish });
      setState("recording");
    } catch (error) {
      setState("idle");
      onProblem(microphoneProblem(error));
    }
  };
  const recording = state === "recording";
  const label = busy ? "Writing down what you said…" : recording ? "Stop dictating" : "Dictate";
  return (
    <button
      type="button"
      className="dictate-button"
      data-state={busy ? "busy" : state}
      aria-label={label}
      title={label}
      aria-pressed={recording}
      disabled={busy || state === "starting"}
      onClick={toggle}
      {...rest}
    >
      {busy ? <LoaderCircle size={16} className="spin" /> : recording ? <Square size={14} /> : <Mic size={16} />}
    </button>
  );
}

// Read aloud: which reply speaks now, shared by every button on the page.
let speaking = { id: null, utterance: null };
const listeners = new Set();
function setSpeaking(next) {
  speaking = next;
  listeners.forEach((listener) => listener());
}
function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// What a reply says: its text (Markdown read as words) and its changes to the home.
export function spokenText(parts) {
  return (parts ?? [])
    .filter((part) => part.kind === "text" || part.kind === "effect")
    .map((part) =>
      part.text
        .replace(/```[\s\S]*?```/g, " ")
        .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
        .replace(/[*_`#>|~]+/g, " ")
        .replace(/\s+/g, " ")
        .trim(),
    )
    .filter(Boolean)
    .join(". ");
}

export function ReadAloudButton({ parts, messageId, lang, ...rest }) {
  const isClient = useIsClient();
  const speakingId = useSyncExternalStore(subscribe, () => speaking.id, () => null);
  if (!isClient || !window.speechSynthesis || !window.SpeechSynthesisUtterance) return null;
  const isSpeaking = speakingId === messageId;
  const toggle = () => {
    // One voice at a time: whatever speaks now stops.
    window.speechSynthesis.cancel();
    if (isSpeaking) {
      setSpeaking({ id: null, utterance: null });
      return;
    }
    const utterance = new SpeechSynthesisUtterance(spokenText(parts));
    if (lang) utterance.lang = lang;
    const ended = () => {
      if (speaking.utterance === utterance) setSpeaking({ id: null, utterance: null });
    };
    utterance.onend = ended;
    utterance.onerror = ended;
    setSpeaking({ id: messageId, utterance });
    window.speechSynthesis.speak(utterance);
  };
  const label = isSpeaking ? "Stop reading aloud" : "Read aloud";
  return (
    <button
      type="button"
      className="read-aloud"
      aria-label={label}
      title={label}
      aria-pressed={isSpeaking}
      onClick={toggle}
      {...rest}
    >
      {isSpeaking ? <VolumeX size={14} /> : <Volume2 size={14} />}
    </button>
  );
}
