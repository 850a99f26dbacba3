import { PeopleTable } from '@/components/PeopleTable';

export default function PeoplePage() {
  return (
    <section aria-labelledby="people-title" className="space-y-4">
      <div className="space-y-1">
        <h1 id="people-title" className="text-2xl font-semibold">
          People
        </h1>
        <p className="text-slate-300">Everyone registered, with their faces. Rename, add photos, or delete.</p>
      </div>
      <PeopleTable />
    </section>
  );
}
