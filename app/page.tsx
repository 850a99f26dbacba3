import { LiveRecognition } from '@/components/LiveRecognition';

export default function RecognizePage() {
  return (
    <section aria-labelledby="recognize-title" className="space-y-4">
      <div className="space-y-1">
        <h1 id="recognize-title" className="text-2xl font-semibold">
          Live recognition
        </h1>
        <p className="text-slate-300">
          Point the camera at the faces you want named. Every face in view is boxed and named, or marked
          <span className="mx-1 rounded bg-amber-500/20 px-1.5 py-0.5 text-amber-200">unknown</span>. Frames go to this
          server only.
        </p>
      </div>
      <LiveRecognition />
    </section>
  );
}
