// The exercises of lessons 1 to 7, both ways (see exercise-checks.ts).
import { checkExercisesOfLessons } from './exercise-checks.js';

checkExercisesOfLessons(1, 7);
