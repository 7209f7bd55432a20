package io.circuitstream.example

import com.fasterxml.jackson.databind.ObjectMapper
import io.circuitstream.stream.codec.Format
import io.circuitstream.stream.codec.ImageCodecs
import io.circuitstream.stream.codec.OutputCodecs
import io.circuitstream.stream.message.ImageMessage
import io.circuitstream.stream.message.OodAlert
import io.circuitstream.stream.message.Prediction
import org.apache.kafka.clients.consumer.ConsumerConfig
import org.apache.kafka.clients.consumer.KafkaConsumer
import org.apache.kafka.clients.producer.KafkaProducer
import org.apache.kafka.clients.producer.ProducerConfig
import org.apache.kafka.clients.producer.ProducerRecord
import org.apache.kafka.common.serialization.ByteArrayDeserializer
import org.apache.kafka.common.serialization.ByteArraySerializer
import org.apache.kafka.common.serialization.StringDeserializer
import org.apache.kafka.common.serialization.StringSerializer
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration
import java.util.Properties

/** The topic names a client talks to; the defaults are those of `kafka/topics.properties`. */
data class ClientTopics(
    val images: String = "images",
    val predictions: String = "predictions",
    val alerts: String = "ood-alerts",
)

/** What the service published about one image. */
sealed interface Output {
    /** The image id the output is about. */
    val id: String

    /** A record of the predictions topic. */
    data class Predicted(val prediction: Prediction) : Output {
        override val id: String get() = prediction.id
    }

    /** A record of the ood-alerts topic. */
    data class Alerted(val alert: OodAlert) : Output {
        override val id: String get() = alert.id
    }
}

/** The answer to `POST /models/{version}/activate`: the HTTP status and the swap outcome, if any. */
data class Activation(val status: Int, val outcome: String?, val activeVersion: String?)

/**
 * A small Kotlin client of a circuitstream service: publishes images, follows predictions and
 * out-of-distribution alerts, and calls the admin API.
 *
 * It uses only the project's public Java API (the codecs of `io.circuitstream.stream.codec` and the
 * records of `io.circuitstream.stream.message`), the plain Kafka clients and the JDK's HTTP client,
 * as an application of another team would. The Java API is `@NullMarked`, so Kotlin sees exact
 * types: `ImageMessage.label` is an `Int?`, `Prediction.probabilities` a `DoubleArray`.
 *
 * ```kotlin
 * CircuitstreamClient("kafka-1:9092", ClientTopics(), "http://10.0.0.1:8080", System.getenv("ADMIN_TOKEN")).use { client ->
 *     client.publish(image, Format.PNG)
 *     client.subscribe("my-app").use { outputs -> outputs.collect(1, Duration.ofSeconds(30)) }
 *     client.activate("v0006")
 * }
 * ```
 *
 * @param bootstrapServers the Kafka cluster
 * @param topics the topic names
 * @param adminUrl an instance's admin base URL, such as `http://127.0.0.1:8080`
 * @param adminToken the bearer token for the POST routes, or null to call only the GET routes
 * @param readCommitted read only committed records: required against a service in exactly-once mode
 */
class CircuitstreamClient(
    private val bootstrapServers: String,
    private val topics: ClientTopics,
    private val adminUrl: String,
    private val adminToken: String?,
    private val readCommitted: Boolean = false,
) : AutoCloseable {

    private val producer = KafkaProducer<String, ByteArray>(Properties().apply {
        put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers)
        put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer::class.java.name)
        put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer::class.java.name)
        put(ProducerConfig.ACKS_CONFIG, "all")
    })
    private val http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
    private val json = ObjectMapper()

    /** Publishes one image, keyed by its id, in the given format, and waits for Kafka's acknowledgement. */
    fun publish(image: ImageMessage, format: Format = Format.JSON) {
        val record = ProducerRecord(topics.images, image.id, ImageCodecs.encode(image, format))
        record.headers().add("content-type", format.contentType().toByteArray())
        // PNG carries no label: send it in a header, as labelled images do.
        image.label?.let { record.headers().add("label", it.toString().toByteArray()) }
        producer.send(record).get()
    }

    /** Starts following the predictions and alerts topics from their beginning, in its own consumer group. */
    fun subscribe(groupId: String): Subscription = Subscription(KafkaConsumer<String, ByteArray>(Properties().apply {
        put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers)
        put(ConsumerConfig.GROUP_ID_CONFIG, groupId)
        put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
        put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, if (readCommitted) "read_committed" else "read_uncommitted")
        put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer::class.java.name)
        put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer::class.java.name)
    }).apply { subscribe(listOf(topics.predictions, topics.alerts)) })

    /** A consumer of the service's outputs. */
    inner class Subscription internal constructor(private val consumer: KafkaConsumer<String, ByteArray>) : AutoCloseable {
        /** Returns the outputs that arrived within one poll of at most `timeout`. */
        fun poll(timeout: Duration): List<Output> = consumer.poll(timeout).map { record ->
            when (record.topic()) {
                topics.predictions -> Output.Predicted(OutputCodecs.parsePrediction(record.value()))
                else -> Output.Alerted(OutputCodecs.parseAlert(record.value()))
            }
        }

        /** Polls until `count` outputs arrived or `timeout` passed, and returns them. */
        fun collect(count: Int, timeout: Duration): List<Output> {
            val outputs = mutableListOf<Output>()
            val deadline = System.nanoTime() + timeout.toNanos()
            while (outputs.size < count && System.nanoTime() < deadline) {
                outputs += poll(Duration.ofMillis(200))
            }
            return outputs
        }

        override fun close() = consumer.close()
    }

    /** Returns the version the instance serves (`GET /models/active`), or null when none does. */
    fun activeModel(): String? {
        val response = send(HttpRequest.newBuilder(URI.create("$adminUrl/models/active")).GET())
        return if (response.statusCode() == 200) json.readTree(response.body()).get("version").asText() else null
    }

    /** Asks the instance to serve a stored version (`POST /models/{version}/activate`). */
    fun activate(version: String): Activation {
        val response = send(authorised(HttpRequest.newBuilder(URI.create("$adminUrl/models/$version/activate")))
            .POST(HttpRequest.BodyPublishers.noBody()))
        val body = json.readTree(response.body())
        return Activation(response.statusCode(), body.path("outcome").textValue(), body.path("activeVersion").textValue())
    }

    /** Classifies one image synchronously on the instance (`POST /classify`), without Kafka. */
    fun classify(image: ImageMessage): Prediction {
        val response = send(authorised(HttpRequest.newBuilder(URI.create("$adminUrl/classify")))
            .header("Content-Type", Format.JSON.contentType())
            .POST(HttpRequest.BodyPublishers.ofByteArray(ImageCodecs.encodeJson(image))))
        check(response.statusCode() == 200) { "POST /classify answered ${response.statusCode()}: ${response.body()}" }
        return OutputCodecs.parsePrediction(response.body().toByteArray())
    }

    private fun authorised(request: HttpRequest.Builder): HttpRequest.Builder =
        adminToken?.let { request.header("Authorization", "Bearer $it") } ?: request

    private fun send(request: HttpRequest.Builder): HttpResponse<String> =
        http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString())

    override fun close() = producer.close()
}
