import type { ReactNode } from 'react';

/** The frame of the signed-out pages: the product name and one card. */
export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="flex min-h-full flex-col justify-center px-4 py-12">
      <div className="mx-auto w-full max-w-md">
        <p className="text-center text-sm font-semibold tracking-wide text-blue-700">AnythingIoT</p>
        <h1 className="mt-2 text-center text-2xl font-bold">{title}</h1>
        <div className="mt-8 rounded-lg bg-white p-6 shadow-sm ring-1 ring-gray-200">
          {children}
        </div>
      </div>
    </main>
  );
}
