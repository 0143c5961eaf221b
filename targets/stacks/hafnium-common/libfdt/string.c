/* The str* functions libfdt calls (declared in hf_string.h), which Hafnium's libc lacks. */
#include "hf_string.h"

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0') {
		n++;
	}
	return n;
}

size_t strlen(const char *s)
{
	return strnlen(s, (size_t)-1);
}

char *strchr(const char *s, int c)
{
	do {
		if (*s == (char)c) {
			return (char *)s;
		}
	} while (*s++ != '\0');
	return NULL;
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	do {
		if (*s == (char)c) {
			last = s;
		}
	} while (*s++ != '\0');
	return (char *)last;
}
