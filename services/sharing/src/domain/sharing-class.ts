/**
 * The state's classes of government data (政务数据共享分类): unconditional, conditional (a data steward approves each
 * grant), not shareable (never served, whatever a grant says).
 */
export const SHARING_CLASSES = ['unconditional', 'conditional', 'not_shareable'] as const;
export type SharingClass = (typeof SHARING_CLASSES)[number];

export const SHARING_CLASS_LABELS: Record<SharingClass, { zh: string; en: string }> = {
  unconditional: { zh: '无条件共享', en: 'unconditional' },
  conditional: { zh: '有条件共享', en: 'conditional' },
  not_shareable: { zh: '不予共享', en: 'not shareable' },
};
