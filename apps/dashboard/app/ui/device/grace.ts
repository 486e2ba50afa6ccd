/** How long the previous secret keeps verifying after a rotation; the api's default first. */
export const GRACE_CHOICES = [
  { seconds: 86_400, label: '24 hours' },
  { seconds: 3_600, label: '1 hour' },
  { seconds: 7 * 86_400, label: '7 days' },
  { seconds: 0, label: 'None: retire it now' },
] as const;
