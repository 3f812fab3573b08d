/* bench_modbus_tcp_client HOST PORT N CLIENTS ADDR COUNT: CLIENTS threads, each on its own
 * connection, send N/CLIENTS sequential FC03 reads of COUNT registers at ADDR. Prints one JSON line
 * with throughput and latency percentiles; exits non-zero if any request failed. */
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
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void *run(void *arg) {
    struct job *j = arg;
    modbus_t *c = modbus_new_tcp(j->host, j->port);
    modbus_set_slave(c, 1);
    modbus_set_response_timeout(c, 5, 0);
    if (modbus_connect(c) != 0) {
        j->errors = j->n;
        modbus_free(c);
        return NULL;
    }
    uint16_t regs[125];
    for (int i = 0; i < j->n; ++i) {
        const double t = now_s();
        if (modbus_read_registers(c, j->addr, j->count, regs) != j->count) ++j->errors;
        j->lat_us[i] = (now_s() - t) * 1e6;
    }
    modbus_close(c);
    modbus_free(c);
    return NULL;
}

static int cmp(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 7) {
        fprintf(stderr, "usage: bench_modbus_tcp_client HOST PORT N CLIENTS ADDR COUNT\n");
        return 2;
    }
    const int n = atoi(argv[3]), clients = atoi(argv[4]);
    const int per = n / clients;
    double *lat = calloc((size_t)per * clients, sizeof(double));
    struct job *jobs = calloc((size_t)clients, sizeof(struct job));
    pthread_t *th = calloc((size_t)clients, sizeof(pthread_t));
    const double t0 = now_s();
    for (int k = 0; k < clients; ++k) {
        jobs[k] = (struct job){argv[1], atoi(argv[2]), per, (int)strtol(argv[5], NULL, 0), atoi(argv[6]), 0, lat + (size_t)k * per};
        pthread_create(&th[k], NULL, run, &jobs[k]);
    }
    int errors = 0;
    for (int k = 0; k < clients; ++k) {
        pthread_join(th[k], NULL);
        errors += jobs[k].errors;
    }
    const double secs = now_s() - t0;
    const int total = per * clients;
    qsort(lat, (size_t)total, sizeof(double), cmp);
    printf("{\"requests\": %d, \"errors\": %d, \"seconds\": %.3f, \"req_per_s\": %.0f, \"p50_us\": %.0f, \"p99_us\": %.0f}\n", total,
           errors, secs, total / secs, lat[total / 2], lat[(int)(total * 0.99)]);
    return errors ? 1 : 0;
}
