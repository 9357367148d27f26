// The exercises of lessons 8 to 14, both ways (see exercise-checks.ts).
import { checkExercisesOfLessons } from './exercise-checks.js';

checkExercisesOfLessons(8, 14);
