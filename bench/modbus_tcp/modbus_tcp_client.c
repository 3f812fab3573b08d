/* bench_modbus_tcp_client HOST PORT N CLIENTS ADDR COUNT: CLIENTS threads, each on its own
 * connection, send N/CLIENTS sequential FC03 reads of COUNT registers at ADDR (unit id 1), each
 * timed with CLOCK_MONOTONIC. Prints one JSON line:
 *   {"requests":…, "errors":…, "seconds":…, "req_per_s":…, "p50_us":…, "p99_us":…}
 * and exits 1 if any request failed (the first failure of each thread is told on stderr). */
#include <errno.h>
#include <modbus/modbus.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct job {
    const char *host;
    int port, n, addr, count, errors;
    double *lat_us;
};

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *run(void *arg) {
    struct job *j = arg;
    modbus_t *c = modbus_new_tcp(j->host, j->port);
    if (!c || modbus_set_slave(c, 1) != 0 || modbus_set_response_timeout(c, 5, 0) != 0 || modbus_connect(c) != 0) {
        fprintf(stderr, "bench_modbus_tcp_client: cannot connect to %s:%d: %s\n", j->host, j->port, modbus_strerror(errno));
        j->errors = j->n;
        if (c) modbus_free(c);
        return NULL;
    }
    uint16_t regs[MODBUS_MAX_READ_REGISTERS];
    for (int i = 0; i < j->n; ++i) {
        const double t = now_s();
        const int rc = modbus_read_registers(c, j->addr, j->count, regs);
        j->lat_us[i] = (now_s() - t) * 1e6;
        if (rc != j->count && j->errors++ == 0)
            fprintf(stderr, "bench_modbus_tcp_client: FC03 0x%04X x %d at %s:%d: %s\n", j->addr, j->count, j->host, j->port,
                    rc < 0 ? modbus_strerror(errno) : "short answer");
    }
    modbus_close(c);
    modbus_free(c);
    return NULL;
}

static int cmp(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A whole-string integer in [lo, hi] (base 0: 0x4000 and 16384 both work), or exit 2 naming it. */
static long arg_in(const char *name, const char *text, long lo, long hi) {
    char *end = NULL;
    errno = 0;
    const long v = strtol(text, &end, 0);
    if (*text == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi) {
        fprintf(stderr, "bench_modbus_tcp_client: %s '%s' is out of range: %ld-%ld\n", name, text, lo, hi);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv) {
    if (argc != 7) {
        fprintf(stderr, "usage: bench_modbus_tcp_client HOST PORT N CLIENTS ADDR COUNT\n");
        return 2;
    }
    const int port = (int)arg_in("PORT", argv[2], 1, 65535);
    const int clients = (int)arg_in("CLIENTS", argv[4], 1, 1000);
    const int n = (int)arg_in("N", argv[3], clients, 100000000);
    const int addr = (int)arg_in("ADDR", argv[5], 0, 65535);
    const int count = (int)arg_in("COUNT", argv[6], 1, MODBUS_MAX_READ_REGISTERS);
    const int per = n / clients, total = per * clients;
    double *lat = calloc((size_t)total, sizeof(double));
    struct job *jobs = calloc((size_t)clients, sizeof(struct job));
    pthread_t *threads = calloc((size_t)clients, sizeof(pthread_t));
    if (!lat || !jobs || !threads) {
        fprintf(stderr, "bench_modbus_tcp_client: out of memory for %d requests\n", total);
        return 1;
    }
    const double t0 = now_s();
    for (int k = 0; k < clients; ++k) {
        jobs[k] = (struct job){argv[1], port, per, addr, count, 0, lat + (size_t)k * (size_t)per};
        const int rc = pthread_create(&threads[k], NULL, run, &jobs[k]);
        if (rc != 0) {
            fprintf(stderr, "bench_modbus_tcp_client: cannot start client thread %d: %s\n", k, strerror(rc));
            return 1;
        }
    }
    int errors = 0;
    for (int k = 0; k < clients; ++k) {
        pthread_join(threads[k], NULL);
        errors += jobs[k].errors;
    }
    const double secs = now_s() - t0;
    qsort(lat, (size_t)total, sizeof(double), cmp);
    printf("{\"requests\": %d, \"errors\": %d, \"seconds\": %.3f, \"req_per_s\": %.0f, \"p50_us\": %.0f, \"p99_us\": %.0f}\n", total,
           errors, secs, (double)total / secs, lat[total / 2], lat[(int)((double)total * 0.99)]);
    free(threads);
    free(jobs);
    free(lat);
    return errors ? 1 : 0;
}
