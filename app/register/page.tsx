import { EnrollWizard } from '@/components/EnrollWizard';

export default function RegisterPage() {
  return (
    <section aria-labelledby="register-title" className="space-y-4">
      <div className="space-y-1">
        <h1 id="register-title" className="text-2xl font-semibold">
          Register a person
        </h1>
        <p className="text-slate-300">
          Enter a name, then take three guided shots from the camera or upload photos. The person is recognised as soon as a face
          is accepted.
        </p>
      </div>
      <EnrollWizard />
    </section>
  );
}
