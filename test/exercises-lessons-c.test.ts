// The exercises of lessons 15 to 21, both ways (see exercise-checks.ts).
import { checkExercisesOfLessons } from './exercise-checks.js';

checkExercisesOfLessons(15, 21);
