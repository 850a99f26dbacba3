export default function PeoplePage() {
  return (
    <section aria-labelledby="people-title" className="space-y-4">
      <h1 id="people-title" className="text-2xl font-semibold">People</h1>
      <p className="text-slate-300">Everyone enrolled, with their photos.</p>
    </section>
  );
}
