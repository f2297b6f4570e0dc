import { z } from 'zod';
import { defineEvent } from '../define.ts';

export const projectEvents = {
  'project.opened': defineEvent({
    description: 'The engine opened (or created) a project; clients reload what they show.',
    payload: z.object({ dir: z.string(), name: z.string() }),
  }),
} as const;
