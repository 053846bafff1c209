// Package lock keeps two processes from writing one run or sweep directory
// at once. A writer holds an exclusive lock on the file .freightsim.lock in
// the directory (flock(2) on Unix, released by the kernel when the process
// dies, even by SIGKILL) for as long as it writes; the file names the
// holder (pid, host, start time) so that a second writer is told who holds
// it. The file is removed when the lock is released; a file left by a
// killed process holds no lock and is taken over.
//
// It is a leaf package: the run and sweep commands and the sweep directory
// code use it, and it imports nothing of ours.
package lock
