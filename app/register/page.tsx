export default function RegisterPage() {
  return (
    <section aria-labelledby="register-title" className="space-y-4">
      <h1 id="register-title" className="text-2xl font-semibold">Register a person</h1>
      <p className="text-slate-300">Enter a name, then take a few guided shots from the camera or upload photos.</p>
    </section>
  );
}
