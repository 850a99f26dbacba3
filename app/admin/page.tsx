import { AdminPanel } from '@/components/AdminPanel';

export default function AdminPage() {
  return (
    <section aria-labelledby="admin-title" className="space-y-4">
      <div className="space-y-1">
        <h1 id="admin-title" className="text-2xl font-semibold">
          Admin
        </h1>
        <p className="text-slate-300">The service&rsquo;s settings, its API keys, and the audit trail of every change. Needs an admin key.</p>
      </div>
      <AdminPanel />
    </section>
  );
}
