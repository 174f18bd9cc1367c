using System.Net;
using System.Net.Http;
using System.Text;
using Sutro.Http;
using Xunit;

namespace Sutro.Tests;

/// <summary>An error answer's code and request id are kept, apart and in the message, so a user can quote them.</summary>
public class ApiErrorReferenceTests
{
    private static SutroApiException Error(int status, string body, string? requestIdHeader = null)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
            RequestMessage = new HttpRequestMessage(HttpMethod.Post, "https://deploy.example.com/v1/batch-inference"),
        };
        if (requestIdHeader is not null)
        {
            response.Headers.Add("x-request-id", requestIdHeader);
        }

        return ApiErrors.FromResponse(response, body, null);
    }

    [Fact]
    public void KeepsTheTopLevelCodeAndRequestId()
    {
        var ex = Error(422, "{\"detail\":\"Unknown model 'nope'\",\"code\":\"model_not_found\",\"request_id\":\"req_8f2c\"}");
        Assert.Equal(new ApiErrorReference("model_not_found", "req_8f2c", "Unknown model 'nope'"), ex.Reference);
        Assert.Equal(
            "The Sutro API answered 422 Unprocessable Entity. The server said: Unknown model 'nope'. " +
            "If you contact Sutro support, quote code 'model_not_found', request id 'req_8f2c'.", ex.Message);
        Assert.Equal(ErrorIds.HttpError, ex.ErrorId);
        Assert.Equal(422, ex.StatusCode);
    }

    [Fact]
    public void ReadsAnErrorObjectWithItsMessage()
    {
        var ex = Error(500, "{\"error\":{\"code\":\"internal\",\"message\":\"Worker crashed\",\"request_id\":\"req_1\"}}");
        Assert.Equal(new ApiErrorReference("internal", "req_1", "Worker crashed"), ex.Reference);
        Assert.Equal(
            "The Sutro API failed with 500 Internal Server Error. The server said: Worker crashed. Try again later. " +
            "If you contact Sutro support, quote code 'internal', request id 'req_1'.", ex.Message);
    }

    [Fact]
    public void ReadsADetailObjectAndANumericCode()
    {
        var ex = Error(400, "{\"detail\":{\"code\":4001,\"message\":\"inputs must not be empty\"}}");
        Assert.Equal(new ApiErrorReference("4001", null, "inputs must not be empty"), ex.Reference);
        Assert.EndsWith("The server said: inputs must not be empty. If you contact Sutro support, quote code '4001'.", ex.Message);
    }

    [Fact]
    public void TakesTheRequestIdFromTheHeaderWhenTheBodyHasNone()
    {
        var ex = Error(429, "{\"detail\":\"Slow down\"}", "hdr-77");
        Assert.Equal(new ApiErrorReference(null, "hdr-77", "Slow down"), ex.Reference);
        Assert.Equal(
            "The Sutro API is rate limiting requests (429). The server said: Slow down. Try again later. " +
            "If you contact Sutro support, quote request id 'hdr-77'.", ex.Message);
    }

    [Fact]
    public void TheBodysRequestIdWinsOverTheHeader()
    {
        Assert.Equal("req_body", Error(422, "{\"detail\":\"x\",\"request_id\":\"req_body\"}", "hdr-1").Reference!.RequestId);
    }

    [Theory]
    [InlineData("{\"detail\":\"Unknown model\"}")]
    [InlineData("{\"detail\":\"x\",\"code\":\"\",\"request_id\":null}")]
    [InlineData("<html><title>502 Bad Gateway</title></html>")]
    [InlineData("")]
    public void HasNoReferenceWhenTheAnswerGivesNone(string body)
    {
        var ex = Error(422, body);
        Assert.Null(ex.Reference);
        Assert.DoesNotContain("support", ex.Message);
    }

    [Fact]
    public void ShowsTheServersWordsWithoutTerminalEscapes()
    {
        var ex = Error(422, "{\"detail\":\"\\u001b[31mUnknown\\u001b[0m model\\u001b]0;title\\u0007 \\u0007x\\ty\"}");
        Assert.Equal("The Sutro API answered 422 Unprocessable Entity. The server said: Unknown model x\ty.", ex.Message);
        Assert.Equal("ab\ncd", ApiErrors.Plain("a\u001b[1;32mb\n\u009b2Jc\u0000d"));
        Assert.Equal("tabs\tand\r\nbreaks stay", ApiErrors.Plain("tabs\tand\r\nbreaks stay"));
    }
}
