/*
 * tests/tools/fds.c - print the descriptors this process inherited, one per line (its own
 * directory stream excluded), so a test can see exactly what leaked into the container.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *e;

	if (!dir) {
		perror("fds: /proc/self/fd");
		return 1;
	}
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(dir))
			continue;
		printf("%s\n", e->d_name);
	}
	closedir(dir);
	return 0;
}
