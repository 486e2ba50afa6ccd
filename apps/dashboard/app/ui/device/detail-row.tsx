/** A label and its value in a panel's description list. */
export function DetailRow({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex items-baseline justify-between gap-3">
      <dt className="text-gray-600">{label}</dt>
      <dd className="text-right text-gray-900">{children}</dd>
    </div>
  );
}
